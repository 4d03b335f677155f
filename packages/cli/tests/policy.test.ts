import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP, EXIT } from '../src/index.js';
import { runChild, runCli, tempDir } from './helpers.js';

const POLICY_YAML = `version: 1
rules:
  - id: support-reads
    effect: allow
    roles: [support]
    connectors: [zendesk]
    tools: ['get_*', search]
  - id: no-deletes
    effect: deny
    connectors: [zendesk]
    tools: ['delete_*']
  - id: tenant-updates
    effect: allow
    phase: call
    roles: [support]
    connectors: [zendesk]
    tools: [update_ticket]
    when: has(args.tenant) && args.tenant == principal.claims.tenant
  - id: admins
    effect: allow
    roles: [admin]
`;

const POLICY_JSON = {
  version: 1,
  rules: [
    { id: 'ci-reads', effect: 'allow', principals: ['svc:ci-*'], tools: ['get_*'] },
    {
      id: 'no-large-transfers',
      effect: 'deny',
      phase: 'call',
      tools: ['transfer'],
      when: 'args.amount > 1000',
    },
  ],
};

/** A rule without `phase: call` reads args: a load error in phase list. */
const ARGS_IN_LIST_YAML = `version: 1
rules:
  - id: support-reads
    effect: allow
    roles: [support]
  - id: no-big-ids
    effect: deny
    when: args.id > 10
`;

const SUPPORT = ['--principal', 'agent:support-bot', '--role', 'support', '--claims', '{"tenant":"acme"}'];

describe('policy check and explain', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let yamlPath: string;
  let jsonPath: string;
  let invalidPath: string;

  beforeAll(async () => {
    dir = await tempDir();
    yamlPath = join(dir.path, 'policy.yaml');
    jsonPath = join(dir.path, 'policy.json');
    invalidPath = join(dir.path, 'args-in-list.yaml');
    await writeFile(yamlPath, POLICY_YAML);
    await writeFile(jsonPath, JSON.stringify(POLICY_JSON, null, 2));
    await writeFile(invalidPath, ARGS_IN_LIST_YAML);
  });
  afterAll(async () => {
    await dir.remove();
  });

  describe('policy check', () => {
    it('a valid YAML file prints the OK line with its rule count, exit 0', async () => {
      expect(await runCli(['policy', 'check', yamlPath])).toEqual({
        code: 0,
        stdout: `brAInwav: policy ${yamlPath} OK (4 rules)\n`,
        stderr: '',
      });
    });

    it('a valid JSON file (relative path, resolved against cwd) is OK too', async () => {
      expect(await runCli(['policy', 'check', 'policy.json'], { cwd: dir.path })).toEqual({
        code: 0,
        stdout: `brAInwav: policy ${jsonPath} OK (2 rules)\n`,
        stderr: '',
      });
    });

    it('a CEL condition reading args in the list phase is exit 65 naming rules[i] and the id', async () => {
      expect(await runCli(['policy', 'check', invalidPath])).toEqual({
        code: EXIT.DATA_ERROR,
        stdout: '',
        stderr: [
          `brAInwav: policy ${invalidPath} is invalid (1 issue):`,
          'rules[1] (id "no-big-ids").when: unknown variable args in phase list (args exists only in phase call: set phase: call)',
          '',
        ].join('\n'),
      });
      expect(EXIT.DATA_ERROR).toBe(65);
    });

    it('an invalid JSON file lists every issue with its path, exit 65', async () => {
      const path = join(dir.path, 'typo.json');
      const rules = [
        { id: 'ok', effect: 'allow' },
        { id: 'typo', effect: 'allow', tool: ['get_*'] },
        { id: 'bad-cel', effect: 'allow', when: 'tool + 1' },
      ];
      await writeFile(path, JSON.stringify({ version: 1, rules }));
      const result = await runCli(['policy', 'check', path]);
      expect(result.code).toBe(65);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^brAInwav: policy .*typo\\.json is invalid \\(\\d issues?\\):$`));
      expect(lines[1]).toBe('rules[1] (id "typo"): has unknown key(s) "tool"');
    });

    it('invalid YAML syntax is exit 65 with the line and column', async () => {
      const path = join(dir.path, 'broken.yaml');
      await writeFile(path, 'version: 1\nrules:\n  - id: a\n   effect: allow\n');
      const result = await runCli(['policy', 'check', path]);
      expect(result.code).toBe(65);
      expect(result.stderr).toMatch(
        /^brAInwav: policy .*broken\.yaml is invalid \(1 issue\):\ninvalid YAML at line \d+, column \d+/,
      );
    });

    it('a missing file is a branded error naming the path, exit 1 (as validate)', async () => {
      const path = join(dir.path, 'missing.yaml');
      expect(await runCli(['policy', 'check', path])).toEqual({
        code: 1,
        stdout: '',
        stderr: `brAInwav: policy file ${path} cannot be read (ENOENT)\n`,
      });
    });

    it('a missing <file>, subcommand or an unknown subcommand is a usage error, exit 64', async () => {
      const usage = `\n${COMMAND_HELP.policy}\n`;
      expect(await runCli(['policy', 'check'])).toEqual({
        code: 64,
        stdout: '',
        stderr: `brAInwav: policy check: missing <file>\n${usage}`,
      });
      expect(await runCli(['policy'])).toEqual({
        code: 64,
        stdout: '',
        stderr: `brAInwav: policy: missing subcommand (check | explain)\n${usage}`,
      });
      expect((await runCli(['policy', 'toString'])).stderr).toBe(
        `brAInwav: policy: unknown subcommand "toString" (check | explain)\n${usage}`,
      );
    });

    it('the real bin exits 65 for an invalid file and 0 for a valid one', async () => {
      const invalid = await runChild(['policy', 'check', invalidPath]);
      expect(invalid.code).toBe(65);
      expect(invalid.stderr).toContain(
        'rules[1] (id "no-big-ids").when: unknown variable args in phase list',
      );
      const valid = await runChild(['policy', 'check', yamlPath]);
      expect(valid).toEqual({ code: 0, stdout: `brAInwav: policy ${yamlPath} OK (4 rules)\n`, stderr: '' });
    });
  });

  describe('policy explain', () => {
    it('allow: prints ALLOW with the deciding rule id, its definition and every rule line, exit 0', async () => {
      const result = await runCli([
        'policy',
        'explain',
        yamlPath,
        ...SUPPORT,
        '--tool',
        'zendesk__get_ticket',
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('ALLOW allowed by rule "support-reads"');
      expect(lines[1]).toMatch(
        /^rule rules\[0\] \(id "support-reads"\): \{"id":"support-reads","effect":"allow"/,
      );
      expect(
        lines.slice(2).map((line) => /^ {2}(matched|skipped) (rules\[\d\])/.exec(line)?.slice(1)),
      ).toEqual([
        ['matched', 'rules[0]'],
        ['skipped', 'rules[1]'],
        ['skipped', 'rules[2]'],
        ['skipped', 'rules[3]'],
      ]);
      expect(lines[3]).toBe(
        '  skipped rules[1] (id "no-deletes") deny: tool "get_ticket" does not match ["delete_*"]',
      );
    });

    it('deny: a deny rule wins over an allow rule and is named, exit 1', async () => {
      const argv = ['policy', 'explain', yamlPath, '--principal', 'u:root', '--role', 'admin'];
      const result = await runCli([...argv, '--tool', 'zendesk__delete_ticket']);
      expect(result.code).toBe(EXIT.FAILURE);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^DENY .*"no-deletes"/);
      expect(lines[1]).toMatch(/^rule rules\[1\] \(id "no-deletes"\): /);
      expect(lines).toContain(
        '  matched rules[3] (id "admins") allow: phase call is covered (rule phase both); any connector; any tool; any subject; holds one of the roles ["admin"]; any scopes; no condition',
      );
    });

    it('an args condition allows the own tenant and denies another (default deny, no rule matched)', async () => {
      const argv = ['policy', 'explain', yamlPath, ...SUPPORT, '--tool', 'zendesk__update_ticket'];
      const own = await runCli([...argv, '--args', '{"tenant":"acme","id":7}']);
      expect(own.code).toBe(0);
      expect(own.stdout.split('\n')[0]).toBe('ALLOW allowed by rule "tenant-updates"');
      expect(own.stdout).toMatch(/matched rules\[2\] \(id "tenant-updates"\) allow: .*condition is true\n/);

      const other = await runCli([...argv, '--args', '{"tenant":"globex","id":7}']);
      expect(other.code).toBe(1);
      expect(other.stdout).toBe(
        [
          'DENY no rule allows phase call of zendesk "update_ticket"',
          '  skipped rules[0] (id "support-reads") allow: tool "update_ticket" does not match ["get_*", "search"]',
          '  skipped rules[1] (id "no-deletes") deny: tool "update_ticket" does not match ["delete_*"]',
          '  skipped rules[2] (id "tenant-updates") allow: condition is false',
          '  skipped rules[3] (id "admins") allow: holds none of the roles ["admin"]',
          '  no rule matched',
          '',
        ].join('\n'),
      );
    });

    it('an args condition in a deny rule of a JSON policy denies above the limit and not below', async () => {
      const argv = ['policy', 'explain', jsonPath, '--principal', 'svc:ci-1', '--tool', 'bank__transfer'];
      const big = await runCli([...argv, '--args', '{"amount":5000}']);
      expect(big.code).toBe(1);
      expect(big.stdout).toMatch(/^DENY .*"no-large-transfers"/);
      const small = await runCli([...argv, '--args', '{"amount":5}']);
      expect(small.code).toBe(1);
      expect(small.stdout).toMatch(
        /skipped rules\[1\] \(id "no-large-transfers"\) deny: condition is false\n/,
      );
      const read = await runCli([
        'policy',
        'explain',
        jsonPath,
        '--principal',
        'svc:ci-1',
        '--tool',
        'git__get_repo',
      ]);
      expect(read.code).toBe(0);
      expect(read.stdout.split('\n')[0]).toBe('ALLOW allowed by rule "ci-reads"');
    });

    it('--phase list: a call-only rule does not list its tool', async () => {
      const argv = ['policy', 'explain', yamlPath, ...SUPPORT, '--phase', 'list'];
      const listed = await runCli([...argv, '--tool', 'zendesk__get_ticket']);
      expect(listed.code).toBe(0);
      const hidden = await runCli([...argv, '--tool', 'zendesk__update_ticket']);
      expect(hidden.code).toBe(1);
      expect(hidden.stdout).toContain(
        '  skipped rules[2] (id "tenant-updates") allow: phase list is not covered (rule phase call)',
      );
    });

    it('--json prints the explanation as JSON with the same exit code', async () => {
      const argv = ['policy', 'explain', yamlPath, ...SUPPORT, '--tool', 'zendesk__delete_ticket', '--json'];
      const result = await runCli(argv);
      expect(result.code).toBe(1);
      const explanation = JSON.parse(result.stdout) as {
        decision: { allow: boolean; ruleId: string; reason: string };
        matched: { id: string; effect: string; matched: boolean }[];
        rules: { index: number; id: string; matched: boolean; reasons: string[] }[];
      };
      expect(explanation.decision).toMatchObject({ allow: false, ruleId: 'no-deletes' });
      expect(explanation.matched.map((t) => [t.id, t.effect])).toEqual([['no-deletes', 'deny']]);
      expect(explanation.rules.map((t) => [t.index, t.id, t.matched])).toEqual([
        [0, 'support-reads', false],
        [1, 'no-deletes', true],
        [2, 'tenant-updates', false],
        [3, 'admins', false],
      ]);
      expect(explanation.rules[0]?.reasons.at(-1)).toBe(
        'tool "delete_ticket" does not match ["get_*", "search"]',
      );
    });

    it('--required-scope the credential lacks denies insufficient_scope (--scope satisfies it)', async () => {
      const argv = ['policy', 'explain', yamlPath, ...SUPPORT, '--tool', 'zendesk__get_ticket'];
      const lacking = await runCli([...argv, '--required-scope', 'tickets:read', '--json']);
      expect(lacking.code).toBe(1);
      const decision = (JSON.parse(lacking.stdout) as { decision: Record<string, unknown> }).decision;
      expect(decision).toMatchObject({ allow: false, missingScopes: ['tickets:read'] });
      expect(decision.reason).toMatch(/^insufficient_scope: missing required scope "tickets:read"/);
      const holding = await runCli([...argv, '--required-scope', 'tickets:read', '--scope', 'tickets:read']);
      expect(holding.code).toBe(0);
    });

    it.each([
      [['--args', '{"tenant":'], 'policy explain: --args is not valid JSON ('],
      [['--args', '[1,2]'], 'policy explain: --args must be a JSON object'],
      [['--claims', 'null'], 'policy explain: --claims must be a JSON object'],
      [['--phase', 'list', '--args', '{}'], 'policy explain: --args applies to --phase call only'],
      [['--phase', 'both'], 'policy explain: --phase must be list or call (got "both")'],
    ])('bad usage %j is exit 64 with the policy usage', async (extra, message) => {
      const argv = ['policy', 'explain', yamlPath, ...SUPPORT, '--tool', 'zendesk__get_ticket', ...extra];
      const result = await runCli(argv);
      expect(result.code).toBe(EXIT.USAGE);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(`brAInwav: ${message}`)).toBe(true);
      expect(result.stderr.endsWith(`\n\n${COMMAND_HELP.policy}\n`)).toBe(true);
    });

    it('a missing --tool or --principal, or a tool without <connector>__, is exit 64', async () => {
      const noTool = await runCli(['policy', 'explain', yamlPath, ...SUPPORT]);
      expect(noTool.code).toBe(64);
      expect(noTool.stderr.split('\n')[0]).toBe('brAInwav: policy explain: missing --tool');
      const noPrincipal = await runCli(['policy', 'explain', yamlPath, '--tool', 'zendesk__get_ticket']);
      expect(noPrincipal.stderr.split('\n')[0]).toBe('brAInwav: policy explain: missing --principal');
      const bare = await runCli(['policy', 'explain', yamlPath, ...SUPPORT, '--tool', 'get_ticket']);
      expect(bare.code).toBe(64);
      expect(bare.stderr.split('\n')[0]).toBe(
        'brAInwav: policy explain: --tool must be <connector>__<tool> (got "get_ticket")',
      );
    });

    it('an invalid policy file is exit 65, a missing one exit 1', async () => {
      const argv = [...SUPPORT, '--tool', 'zendesk__get_ticket'];
      const invalid = await runCli(['policy', 'explain', invalidPath, ...argv]);
      expect(invalid.code).toBe(65);
      expect(invalid.stdout).toBe('');
      expect(invalid.stderr).toContain(
        'rules[1] (id "no-big-ids").when: unknown variable args in phase list',
      );
      const missing = await runCli(['policy', 'explain', join(dir.path, 'nope.yaml'), ...argv]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^brAInwav: policy file .*nope\.yaml cannot be read \(ENOENT\)\n$/);
    });
  });
});
