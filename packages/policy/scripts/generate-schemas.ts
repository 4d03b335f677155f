// Writes schemas/policy.schema.json from the Zod schema (run: pnpm nx run @cortex-os/policy:schemas).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema } from '@cortex-os/connectors-manifest';
import { policyJsonSchema } from '../src/json-schema.js';

const target = fileURLToPath(new URL('../../../schemas/policy.schema.json', import.meta.url));
writeFileSync(target, renderJsonSchema(policyJsonSchema()));
process.stdout.write(`brAInwav: wrote ${target}\n`);
