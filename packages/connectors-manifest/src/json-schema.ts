import { z } from 'zod';
import { ManifestSchema, ServiceMapSchema } from './schema.js';

/** JSON Schema (draft 2020-12) of the manifest as authors write it, generated with Zod 4's `z.toJSONSchema`. */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ManifestSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://brainwav.dev/schemas/connectors.manifest.schema.json',
    title: 'brAInwav connectors manifest',
  };
}

/** JSON Schema (draft 2020-12) of the signed service map. */
export function serviceMapJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ServiceMapSchema, { io: 'output', unrepresentable: 'any' }),
    $id: 'https://brainwav.dev/schemas/service-map.schema.json',
    title: 'brAInwav signed connectors service map',
  };
}

/** Serializes a JSON Schema the way the committed `schemas/*.json` files are written (2-space indent, final newline). */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
