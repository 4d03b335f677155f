import { describe, expect, it } from 'vitest';
import { compilePolicy, PolicyValidationError, type PolicyDocumentInput } from '@cortex-os/policy';

function failure(rules: unknown[], source?: string): PolicyValidationError {
  try {
    compilePolicy({ version: 1, rules } as PolicyDocumentInput, { source });
  } catch (error) {
    if (error instanceof PolicyValidationError) return error;
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

const filler = [
  { id: 'a', effect: 'allow' },
  { id: 'b', effect: 'allow' },
  { id: 'c', effect: 'allow' },
];

describe('compilePolicy: load-time checks', () => {
  it('a rule reading args in the list phase is a load error naming index and id', () => {
    const error = failure([
      ...filler,
      { id: 'no-delete', effect: 'deny', phase: 'list', when: 'args.id == "1"' },
    ]);
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.message).toBe(
      'brAInwav: policy rules[3] (id "no-delete").when: unknown variable args in phase list (args exists only in phase call: set phase: call)',
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'rules[3] (id "no-delete").when', ruleIndex: 3, ruleId: 'no-delete' }),
    ]);
  });

  it('a rule without phase applies to list too, so reading args is refused; phase call accepts it', () => {
    expect(failure([{ id: 'x', effect: 'allow', when: 'args.n > 1' }]).message).toContain(
      'rules[0] (id "x").when: unknown variable args in phase list',
    );
    expect(
      compilePolicy({ version: 1, rules: [{ id: 'x', effect: 'allow', phase: 'call', when: 'args.n > 1' }] })
        .rules,
    ).toHaveLength(1);
  });

  it('type errors, unknown variables, unknown fields, syntax errors and non-bool conditions are load errors', () => {
    const error = failure(
      [
        { id: 'sum', effect: 'allow', when: 'tool + 1 == 2' },
        { id: 'who', effect: 'allow', when: 'user.admin' },
        { id: 'field', effect: 'allow', when: 'principal.email == "x"' },
        { id: 'syntax', effect: 'allow', when: 'tool ==' },
        { id: 'str', effect: 'allow', when: 'tool' },
      ],
      'p.yaml',
    );
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'rules[0] (id "sum").when: type error at character 0: no such overload: string + int',
      'rules[1] (id "who").when: unknown variable user in phase list',
      'rules[2] (id "field").when: type error at character 10: No such key: email',
      expect.stringMatching(/^rules\[3\] \(id "syntax"\)\.when: syntax error at character \d+: /),
      'rules[4] (id "str").when: must yield a bool (yields string)',
    ]);
    expect(error.message.startsWith('brAInwav: policy p.yaml: rules[0] (id "sum").when: ')).toBe(true);
  });

  it('schema issues are path-precise: unknown keys, bad effect, empty lists, duplicate ids, version', () => {
    const error = failure([
      { id: 'ok', effect: 'allow', tool: ['x'] },
      { id: 'eff', effect: 'permit' },
      { id: 'empty', effect: 'deny', tools: [] },
      { effect: 'deny' },
    ]);
    expect(error.issues.map((i) => i.path)).toEqual([
      'rules[0] (id "ok")',
      'rules[1] (id "eff").effect',
      'rules[2] (id "empty").tools',
      'rules[3].id',
    ]);
    expect(error.issues[0]?.message).toBe('has unknown key(s) "tool"');
    expect(error.issues[2]?.message).toBe('must list at least one pattern (omit the field to match any)');
    const duplicate = failure([
      { id: 'ok', effect: 'allow' },
      { id: 'ok', effect: 'deny' },
    ]);
    expect(duplicate.message).toBe(
      'brAInwav: policy rules[1] (id "ok").id: duplicate rule id (first used by rules[0])',
    );
    expect(() => compilePolicy({ version: 2, rules: [] } as never)).toThrow(/policy version: /);
  });

  it('exposes the validated rules with defaults (phase both)', () => {
    const policy = compilePolicy({ version: 1, rules: [{ id: 'r', effect: 'allow', tools: ['get_*'] }] });
    expect(policy.rules).toEqual([{ id: 'r', effect: 'allow', tools: ['get_*'], phase: 'both' }]);
  });
});
