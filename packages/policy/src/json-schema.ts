import { z } from 'zod';
import { PolicyDocumentSchema } from './schema.js';

/** JSON Schema (draft 2020-12) of a policy file as authors write it, generated with Zod 4's `z.toJSONSchema`. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PolicyDocumentSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://brainwav.dev/schemas/policy.schema.json',
    title: 'brAInwav connectors policy',
  };
}
