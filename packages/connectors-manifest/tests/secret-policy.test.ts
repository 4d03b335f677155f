import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSecretRefPolicy,
  createSecretResolver,
  readSecretRefSettings,
  resolveSecretRef,
  GATEWAY_KEY_VARS,
} from '@cortex-os/connectors-manifest/node';

const root = mkdtempSync(join(tmpdir(), 'brainwav-secret-policy-'));
const secretDir = join(root, 'secrets');
const outside = join(root, 'outside-token');
mkdirSync(secretDir);
writeFileSync(join(secretDir, 'github'), 'inside-secret-value\n');
writeFileSync(outside, 'outside-secret-value\n');
symlinkSync(outside, join(secretDir, 'escape'));
symlinkSync(root, join(secretDir, 'up'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GATEWAY_ENV = {
  MCP_API_KEY: 'mcp-key-value-0123456789',
  CONNECTORS_API_KEY: 'rest-key-value-0123456789,second-rest-key-value-01',
  ASBR_API_KEY: 'asbr-key-value-0123456789',
  CONNECTORS_SIGNATURE_KEY: 'hs-signature-key-value-0123456789-abcdef',
  CONNECTORS_SIGNING_JWK: '{"kty":"OKP"}',
  CONNECTORS_VERIFY_KEYS: '[]',
};

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('secretRef policy: the gateway keys are never resolved', () => {
  it('refuses every gateway key variable by default and even when the allow-list says env:*', async () => {
    const open = createSecretRefPolicy({ allow: ['env:*'] });
    for (const name of GATEWAY_KEY_VARS) {
      for (const policy of [undefined, open]) {
        const error = await refusal(resolveSecretRef(`env:${name}`, GATEWAY_ENV, policy));
        expect(error.code).toBe('SECRET_REF_NOT_ALLOWED');
        expect(error.message).toMatch(new RegExp(`^brAInwav: secretRef env:${name} is not allowed \\(`));
        for (const value of Object.values(GATEWAY_ENV)) expect(error.message).not.toContain(value);
      }
    }
    expect((await refusal(resolveSecretRef('env:MCP_API_KEY', GATEWAY_ENV))).message).toBe(
      'brAInwav: secretRef env:MCP_API_KEY is not allowed (CONNECTORS_SECRET_REFS)',
    );
    expect((await refusal(resolveSecretRef('env:MCP_API_KEY', GATEWAY_ENV, open))).message).toBe(
      'brAInwav: secretRef env:MCP_API_KEY is not allowed (a gateway key is never sent upstream)',
    );
  });

  it('refuses an allowed variable whose value is one of the gateway secrets (default: from env; or configured)', async () => {
    const env = {
      ...GATEWAY_ENV,
      CONNECTOR_COPY: GATEWAY_ENV.MCP_API_KEY,
      CONNECTOR_COPY2: 'second-rest-key-value-01',
    };
    for (const ref of ['env:CONNECTOR_COPY', 'env:CONNECTOR_COPY2']) {
      const error = await refusal(resolveSecretRef(ref, env));
      expect(error).toMatchObject({ code: 'SECRET_REF_NOT_ALLOWED' });
      expect(error.message).toBe(
        `brAInwav: secretRef ${ref} is not allowed (its value is one of the gateway's own keys)`,
      );
    }
    const configured = createSecretRefPolicy({ deniedValues: ['redis-password-value'] });
    const error = await refusal(
      resolveSecretRef('env:CONNECTOR_R', { CONNECTOR_R: 'redis-password-value' }, configured),
    );
    expect(error.code).toBe('SECRET_REF_NOT_ALLOWED');
  });

  it('refuses refs outside the allow-list; the default is env:CONNECTOR_*', async () => {
    const env = { GITHUB_TOKEN: 'gh-value', CONNECTOR_GITHUB: 'connector-gh-value', HOME: '/root' };
    expect(await resolveSecretRef('env:CONNECTOR_GITHUB', env)).toBe('connector-gh-value');
    for (const ref of ['env:GITHUB_TOKEN', 'env:HOME', `file:${join(secretDir, 'github')}`]) {
      expect(await refusal(resolveSecretRef(ref, env))).toMatchObject({ code: 'SECRET_REF_NOT_ALLOWED' });
    }
    const custom = createSecretRefPolicy({ allow: ['env:GITHUB_TOKEN'] });
    expect(await resolveSecretRef('env:GITHUB_TOKEN', env, custom)).toBe('gh-value');
    expect(await refusal(resolveSecretRef('env:CONNECTOR_GITHUB', env, custom))).toMatchObject({
      code: 'SECRET_REF_NOT_ALLOWED',
      message: 'brAInwav: secretRef env:CONNECTOR_GITHUB is not allowed (CONNECTORS_SECRET_REFS)',
    });
  });
});

describe('secretRef policy: file: refs only under CONNECTORS_SECRET_DIR', () => {
  const policy = createSecretRefPolicy({ secretDir });

  it('resolves a file inside the directory (default allow-list adds file:<dir>/**)', async () => {
    expect(policy.allow).toEqual(['env:CONNECTOR_*', `file:${secretDir}/**`]);
    expect(await resolveSecretRef(`file:${join(secretDir, 'github')}`, {}, policy)).toBe(
      'inside-secret-value',
    );
    const resolve = createSecretResolver(policy, {});
    await expect(resolve(`file:${join(secretDir, 'github')}`)).resolves.toBe('inside-secret-value');
  });

  it('refuses a file outside, a .. path, a symlink escape and a symlinked directory escape', async () => {
    const refs = [
      `file:${outside}`,
      `file:${secretDir}/../outside-token`,
      `file:${secretDir}/./github`,
      `file:${join(secretDir, 'escape')}`,
      `file:${join(secretDir, 'up', 'outside-token')}`,
    ];
    const open = createSecretRefPolicy({ secretDir, allow: ['file:/**'] });
    for (const ref of refs) {
      for (const p of [policy, open]) {
        const error = await refusal(resolveSecretRef(ref, {}, p));
        expect(error.code).toBe('SECRET_REF_NOT_ALLOWED');
        expect(error.message).toMatch(/^brAInwav: secretRef file:\S+ is not allowed \(/);
        expect(error.message).not.toContain('outside-secret-value');
      }
    }
    expect((await refusal(resolveSecretRef(`file:${join(secretDir, 'escape')}`, {}, open))).message).toBe(
      `brAInwav: secretRef file:${join(secretDir, 'escape')} is not allowed (outside CONNECTORS_SECRET_DIR)`,
    );
  });

  it('refuses every file: ref when no secret directory is configured', async () => {
    const error = await refusal(resolveSecretRef(`file:${join(secretDir, 'github')}`, {}));
    expect(error.code).toBe('SECRET_REF_NOT_ALLOWED');
  });
});

describe('readSecretRefSettings', () => {
  it('reads the allow-list and the directory', () => {
    expect(readSecretRefSettings({})).toEqual({ allow: ['env:CONNECTOR_*'], secretDir: undefined });
    expect(
      readSecretRefSettings({
        CONNECTORS_SECRET_REFS: ' env:CONNECTOR_*, env:GITHUB_TOKEN ,file:/run/secrets/*,',
        CONNECTORS_SECRET_DIR: '/run/secrets',
      }),
    ).toEqual({
      allow: ['env:CONNECTOR_*', 'env:GITHUB_TOKEN', 'file:/run/secrets/*'],
      secretDir: '/run/secrets',
    });
  });

  it('names the variable (and entry) of a bad glob, a bad entry or a missing/relative directory', () => {
    const cases: [Record<string, string>, string][] = [
      [{ CONNECTORS_SECRET_REFS: 'env:CONNECTOR_[' }, 'CONNECTORS_SECRET_REFS entry 0 is not a valid glob'],
      [{ CONNECTORS_SECRET_REFS: 'env:A,env:{B' }, 'CONNECTORS_SECRET_REFS entry 1 is not a valid glob'],
      [
        { CONNECTORS_SECRET_REFS: 'env:A,GITHUB_TOKEN' },
        'CONNECTORS_SECRET_REFS entry 1 must be env:<glob> or file:/<glob>',
      ],
      [
        { CONNECTORS_SECRET_REFS: 'file:/run/secrets/*' },
        'CONNECTORS_SECRET_DIR is required when CONNECTORS_SECRET_REFS lists file: refs',
      ],
      [{ CONNECTORS_SECRET_DIR: 'run/secrets' }, 'CONNECTORS_SECRET_DIR must be an absolute directory path'],
    ];
    for (const [env, message] of cases) {
      let thrown: unknown;
      try {
        readSecretRefSettings(env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'CONFIG_INVALID', message: `brAInwav: ${message}` });
    }
  });
});
