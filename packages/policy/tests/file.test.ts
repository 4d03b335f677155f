import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicyFile, parsePolicy, PolicyFileError, PolicyValidationError } from '@cortex-os/policy';
import { call, principal, SUPPORT_POLICY_YAML } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'policy-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const JSON_POLICY = JSON.stringify({
  version: 1,
  rules: [{ id: 'read', effect: 'allow', tools: ['get_*'], roles: ['support'] }],
});
const support = principal({ roles: ['support'] });

describe('parsePolicy and loadPolicyFile', () => {
  it('loads YAML (.yaml, .yml) and JSON (.json) files into the same decisions', async () => {
    const yaml = await loadPolicyFile(file('p.yaml', SUPPORT_POLICY_YAML));
    const yml = await loadPolicyFile(file('p.yml', SUPPORT_POLICY_YAML));
    const json = await loadPolicyFile(file('p.json', JSON_POLICY));
    expect(yaml.rules.map((r) => r.id)).toEqual([
      'support-reads-tickets',
      'no-ticket-deletes',
      'admins-everything',
      'tenant-bound-writes',
    ]);
    expect(yml.rules).toEqual(yaml.rules);
    expect(yaml.source).toBe(join(dir, 'p.yaml'));
    expect(json.decide(call(support, 'zendesk', 'get_ticket'))).toMatchObject({
      allow: true,
      ruleId: 'read',
    });
    expect(yaml.decide(call(support, 'zendesk', 'get_ticket'))).toMatchObject({
      allow: true,
      ruleId: 'support-reads-tickets',
    });
  });

  it('sniffs the format of a file without a known extension', async () => {
    const json = await loadPolicyFile(file('policy', JSON_POLICY));
    const yaml = await loadPolicyFile(file('policy.conf', SUPPORT_POLICY_YAML));
    expect(json.rules).toHaveLength(1);
    expect(yaml.rules).toHaveLength(4);
  });

  it('syntax errors name the format, line and column; duplicate keys are refused', () => {
    expect(() => parsePolicy('version: 1\nrules:\n  - id: [x\n', { source: 'bad.yaml' })).toThrow(
      /^brAInwav: policy bad\.yaml: invalid YAML at line \d+, column \d+ \(\w+\)$/,
    );
    expect(() => parsePolicy('{"version": 1, "rules": [}', { source: 'bad.json' })).toThrow(
      /^brAInwav: policy bad\.json: invalid JSON at line 1, column \d+ \(\w+\)$/,
    );
    expect(() => parsePolicy('version: 1\nversion: 1\nrules: []\n')).toThrow(/DUPLICATE_KEY/);
  });

  it('schema issues from a file carry its path and the rule index/id', async () => {
    const path = file(
      'invalid.yaml',
      'version: 1\nrules:\n  - id: r1\n    effect: allow\n    phase: sometimes\n',
    );
    const error = await loadPolicyFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^brAInwav: policy ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: rules\\[0\\] \\(id "r1"\\)\\.phase: `,
      ),
    );
  });

  it('a missing file is POLICY_NOT_FOUND naming the path', async () => {
    const error = await loadPolicyFile(join(dir, 'absent.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyFileError);
    expect((error as PolicyFileError).code).toBe('POLICY_NOT_FOUND');
    expect((error as Error).message).toBe(
      `brAInwav: policy file ${join(dir, 'absent.yaml')} cannot be read (ENOENT)`,
    );
  });
});
