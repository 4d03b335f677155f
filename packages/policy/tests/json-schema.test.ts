import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '@cortex-os/connectors-manifest';
import { policyJsonSchema } from '@cortex-os/policy';

describe('committed policy JSON Schema', () => {
  it('schemas/policy.schema.json matches the Zod schema (run the policy package `schemas` script after changing it)', () => {
    const committed = readFileSync(new URL('../../../schemas/policy.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderJsonSchema(policyJsonSchema()));
  });

  it('is a real schema: rules need id and effect, phase is an enum, unknown keys are refused', () => {
    const schema = policyJsonSchema() as {
      $id: string;
      required: string[];
      properties: {
        rules: {
          items: {
            required: string[];
            additionalProperties: boolean;
            properties: { phase: { enum: string[] } };
          };
        };
      };
    };
    expect(schema.$id).toBe('https://brainwav.dev/schemas/policy.schema.json');
    expect(schema.required).toEqual(['version', 'rules']);
    expect(schema.properties.rules.items.required).toEqual(['id', 'effect']);
    expect(schema.properties.rules.items.additionalProperties).toBe(false);
    expect(schema.properties.rules.items.properties.phase.enum).toEqual(['list', 'call', 'both']);
  });
});
