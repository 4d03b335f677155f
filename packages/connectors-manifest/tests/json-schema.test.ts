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

  it('is a real schema: an HTTP or a stdio connector, each with its required fields', () => {
    const schema = manifestJsonSchema() as {
      properties: {
        connectors: {
          items: { oneOf: { required: string[]; properties: Record<string, Record<string, unknown>> }[] };
        };
      };
    };
    const [http, stdio] = schema.properties.connectors.items.oneOf;
    expect(http!.required).toEqual(
      expect.arrayContaining(['id', 'version', 'displayName', 'endpoint', 'auth', 'scopes', 'quotas']),
    );
    expect(stdio!.required).toEqual(
      expect.arrayContaining([
        'id',
        'version',
        'displayName',
        'transport',
        'command',
        'auth',
        'scopes',
        'quotas',
      ]),
    );
    expect(stdio!.required).not.toContain('endpoint');
    expect(stdio!.properties.transport).toEqual({ type: 'string', const: 'stdio' });
    expect(stdio!.properties.endpoint).toEqual({ not: {} });
    expect(stdio!.properties.headers).toEqual({ not: {} });
    expect(stdio!.properties.env).toMatchObject({
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { required: ['secretRef'], additionalProperties: false },
    });
  });

  it('the service map schema allows transport stdio and publishes requiresCore', () => {
    const schema = serviceMapJsonSchema() as {
      properties: { connectors: { items: { properties: Record<string, { enum?: string[] }> } } };
    };
    const props = schema.properties.connectors.items.properties;
    expect(props.transport!.enum).toEqual(['streamable-http', 'sse', 'stdio']);
    expect(props.requiresCore).toEqual({ type: 'string' });
  });
});
