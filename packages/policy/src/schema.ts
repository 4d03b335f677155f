import { z } from 'zod';

/** Rule ids: what a decision names. Letters, digits and `._:-`, 1–64 chars. */
export const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const GlobList = z
  .array(z.string().min(1).max(256))
  .min(1, 'must list at least one pattern (omit the field to match any)')
  .max(1000);
const NameList = z
  .array(z.string().min(1).max(256))
  .min(1, 'must list at least one name (omit the field to match any)')
  .max(1000);

/** One rule of a policy file. */
export const PolicyRuleSchema = z.strictObject({
  id: z
    .string()
    .regex(RULE_ID_PATTERN, 'must be 1-64 of letters, digits and ._:- (starting alphanumeric)')
    .describe('Unique rule id; decisions name it'),
  effect: z.enum(['allow', 'deny']).describe('deny wins over allow; no matching rule denies'),
  description: z.string().max(1024).optional(),
  /** Globs over `principal.subject`; any may match. */
  principals: GlobList.optional().describe('Globs over the principal subject (any may match)'),
  /** The principal must hold at least one of these roles. */
  roles: NameList.optional().describe('The principal must hold at least one of these roles'),
  /** The principal's credential must carry every one of these scopes. */
  scopes: NameList.optional().describe('The credential must carry every one of these scopes'),
  /** Globs over the connector id; any may match. */
  connectors: GlobList.optional().describe('Globs over the connector id (any may match)'),
  /** Globs over the upstream tool name; any may match. */
  tools: GlobList.optional().describe('Globs over the upstream tool name (any may match)'),
  /** The phase(s) the rule applies to (default both). */
  phase: z
    .enum(['list', 'call', 'both'])
    .default('both')
    .describe('list (tools/list), call (tools/call) or both'),
  /** CEL condition (must yield a bool) over `principal`, `connector`, `tool` and, in the call phase only, `args`. */
  when: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('CEL condition over principal, connector, tool and (phase call only) args; must yield a bool'),
});

/** A policy file: `{ version: 1, rules: [...] }`. Rule ids are unique. */
export const PolicyDocumentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    description: z.string().max(4096).optional(),
    rules: z.array(PolicyRuleSchema).max(10_000),
  })
  .superRefine((doc, ctx) => {
    const seen = new Map<string, number>();
    doc.rules.forEach((rule, index) => {
      const first = seen.get(rule.id);
      if (first === undefined) seen.set(rule.id, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate rule id (first used by rules[${first}])`,
        });
    });
  });

/** A validated policy document (defaults applied). */
export type PolicyDocument = z.output<typeof PolicyDocumentSchema>;
/** A policy document as authors write it. */
export type PolicyDocumentInput = z.input<typeof PolicyDocumentSchema>;
/** One validated rule. */
export type PolicyRule = z.output<typeof PolicyRuleSchema>;
