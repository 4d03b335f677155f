import { Environment, type ParseError, type TypeError as CelTypeError } from '@marcbachmann/cel-js';
import type { Phase } from './types.js';

/** Structural limits of one condition (parse time). */
const LIMITS = {
  maxAstNodes: 2000,
  maxDepth: 64,
  maxListElements: 1000,
  maxMapEntries: 1000,
  maxCallArguments: 16,
};

const PRINCIPAL_SCHEMA = {
  subject: 'string',
  roles: 'list<string>',
  scopes: 'list<string>',
  claims: 'map<string, dyn>',
} as const;

function environment(phase: Phase): Environment {
  const env = new Environment({ limits: LIMITS })
    .registerVariable({ name: 'principal', schema: PRINCIPAL_SCHEMA })
    .registerVariable('connector', 'string')
    .registerVariable('tool', 'string');
  return phase === 'call' ? env.registerVariable('args', 'map<string, dyn>') : env;
}

/** One environment per phase: `args` exists only in the call phase, so reading it elsewhere fails the check. */
const ENVIRONMENTS: Readonly<Record<Phase, Environment>> = {
  list: environment('list'),
  call: environment('call'),
};

/** What a condition sees. `args` is present in the call phase only. */
export interface ConditionContext {
  readonly principal: {
    readonly subject: string;
    readonly roles: readonly string[];
    readonly scopes: readonly string[];
    readonly claims: Readonly<Record<string, unknown>>;
  };
  readonly connector: string;
  readonly tool: string;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** A condition's outcome: a boolean, or the CEL error code that kept it from one (`not_a_bool` for a non-bool). */
export type ConditionResult = boolean | { readonly error: string };

/** A compiled condition: evaluates without throwing. */
export type Condition = (context: ConditionContext) => ConditionResult;

function explainCheckError(error: ParseError | CelTypeError, phase: Phase): string {
  const where = error.range ? ` at character ${error.range.start}` : '';
  if (error.name === 'ParseError') return `syntax error${where}: ${error.summary}`;
  const unknown = /^Unknown variable: (\S+)/.exec(error.summary);
  if (unknown) {
    const hint = unknown[1] === 'args' ? ' (args exists only in phase call: set phase: call)' : '';
    return `unknown variable ${unknown[1]} in phase ${phase}${hint}`;
  }
  return `type error${where}: ${error.summary}`;
}

/** Type-checks `text` in every phase the rule applies to; resolves to the messages of what is wrong (none = ok). */
export function checkCondition(text: string, phases: readonly Phase[]): string[] {
  for (const phase of phases) {
    const result = ENVIRONMENTS[phase].check(text);
    if (!result.valid && result.error) return [explainCheckError(result.error, phase)];
    if (result.type !== 'bool' && result.type !== 'dyn')
      return [`must yield a bool (yields ${result.type ?? 'nothing'})`];
  }
  return [];
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'evaluation_error';
}

/** Compiles a condition already accepted by {@link checkCondition}. The result never throws. */
export function compileCondition(text: string, phases: readonly Phase[]): Condition {
  const evaluate = ENVIRONMENTS[phases.includes('list') ? 'list' : 'call'].parse(text);
  return (context) => {
    try {
      const value: unknown = evaluate(context);
      return typeof value === 'boolean' ? value : { error: 'not_a_bool' };
    } catch (error) {
      return { error: errorCode(error) };
    }
  };
}
