import { manifestJsonSchema, renderJsonSchema, serviceMapJsonSchema } from '@cortex-os/connectors-manifest';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `schema [--map]`: prints the manifest JSON Schema (or, with `--map`, the signed service map's),
 * byte for byte as the committed `schemas/*.schema.json` files are written. Resolves to 0.
 */
export const schemaCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('schema', args, { map: { type: 'boolean' } }, { min: 0, max: 0 });
  const schema = parsed.values.map === true ? serviceMapJsonSchema() : manifestJsonSchema();
  ctx.out.raw(renderJsonSchema(schema));
  return Promise.resolve(EXIT.OK);
};
