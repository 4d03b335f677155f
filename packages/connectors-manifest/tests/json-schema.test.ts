import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema, renderJsonSchema, serviceMapJsonSchema } from '@cortex-os/connectors-manifest';

const committed = (name: string) =>
  readFileSync(new URL(`../../../schemas/${name}`, import.meta.url), 'utf8');

describe('committed JSON Schemas', () => {
  it('schemas/connectors.manifest.schema.json matches the Zod schema (run `pnpm schemas` after changing it)', () => {
    expect(committed('connectors.manifest.schema.json')).toBe(renderJsonSchema(manifestJsonSchema()));
  });

  it('schemas/service-map.schema.json matches the Zod schema', () => {
    expect(committed('service-map.schema.json')).toBe(renderJsonSchema(serviceMapJsonSchema()));
  });

  it('is a real schema: connectors have required fields and the id pattern', () => {
    const schema = manifestJsonSchema() as { properties: { connectors: { items: { required: string[] } } } };
    expect(schema.properties.connectors.items.required).toEqual(
      expect.arrayContaining(['id', 'version', 'displayName', 'endpoint', 'auth', 'scopes', 'quotas']),
    );
  });
});
