export type { Phase, Principal, PolicyRequest, Decision, PolicyDecider } from './types.js';
export { PolicyDocumentSchema, PolicyRuleSchema, RULE_ID_PATTERN } from './schema.js';
export type { PolicyDocument, PolicyDocumentInput, PolicyRule } from './schema.js';
export { PolicyValidationError, PolicyFileError, POLICY_ERROR_CODES, renderIssue } from './errors.js';
export type { PolicyIssue } from './errors.js';
export { parsePolicy, validatePolicy, sniffFormat, MAX_POLICY_CHARS } from './parse.js';
export type { ParsePolicyOptions, PolicyFormat } from './parse.js';
export { compilePolicy, explain, unrestrictedPolicy } from './compile.js';
export { principalKey } from './engine.js';
export type { CompiledPolicy, CompilePolicyOptions } from './compile.js';
export type { Explanation, RuleTrace } from './explain.js';
export { scopeDecision } from './scopes.js';
export { loadPolicyFile, compilePolicyText, readPolicyText, formatOf } from './file.js';
export { openPolicyStore } from './store.js';
export type {
  PolicyStore,
  PolicyStoreOptions,
  PolicyStatus,
  PolicyStoreEvent,
  PolicyLoadError,
} from './store.js';
export { policyJsonSchema } from './json-schema.js';
export { splitToolName, explanationLines } from './format.js';
export { deniedMessage, POLICY_DENIED } from './denied.js';
