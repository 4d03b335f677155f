// Writes schemas/*.schema.json from the Zod schemas (run: pnpm nx run @cortex-os/connectors-manifest:schemas).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchema, serviceMapJsonSchema, renderJsonSchema } from '../src/json-schema.js';

const root = fileURLToPath(new URL('../../../schemas/', import.meta.url));
writeFileSync(`${root}connectors.manifest.schema.json`, renderJsonSchema(manifestJsonSchema()));
writeFileSync(`${root}service-map.schema.json`, renderJsonSchema(serviceMapJsonSchema()));
process.stdout.write(`brAInwav: wrote ${root}connectors.manifest.schema.json and service-map.schema.json\n`);
