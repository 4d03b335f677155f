import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultHsKid, generateSigningKey } from '@cortex-os/connectors-manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  FIXTURE_MANIFEST,
  HS_SECRET,
  INVALID_MANIFEST,
  PACKAGE_DIR,
  runCli,
  tempDir,
} from './helpers.js';

const API_KEY = 'doctor-api-key-value-0001';
const ALPHA = 'alpha-token-value-not-printed';
const BETA = 'beta-key-value-not-printed';
const GOOD_ENV = {
  CONNECTORS_SIGNATURE_KEY: HS_SECRET,
  CONNECTORS_API_KEY: API_KEY,
  CONNECTOR_ALPHA_TOKEN: ALPHA,
  CONNECTOR_BETA_KEY: BETA,
};
const SECRETS = [HS_SECRET, API_KEY, ALPHA, BETA];

describe('doctor', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('all checks pass: ✔ checklist without any value, exit 0', async () => {
    const result = await runCli(['doctor', '--manifest', FIXTURE_MANIFEST], { env: GOOD_ENV });
    const kid = await defaultHsKid(HS_SECRET);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `✔ CONNECTORS_SIGNATURE_KEY: HS256 secret, 44 bytes, kid ${kid}`,
        '✔ CONNECTORS_API_KEY: 1 key set',
        `✔ manifest ${FIXTURE_MANIFEST}: cli-fixture 2026.11.22-test, 3 connectors (2 enabled, 1 disabled)`,
        '✔ secretRef alpha (env:CONNECTOR_ALPHA_TOKEN): ok',
        '✔ secretRef beta (env:CONNECTOR_BETA_KEY): ok',
        '· secretRef gamma (env:CONNECTOR_GAMMA_TOKEN): not checked (connector disabled)',
        'brAInwav: doctor: all 5 checks passed',
        '',
      ].join('\n'),
    });
    expectNoSecrets(result, SECRETS);
  });

  it("checks a stdio connector's env secretRefs (the values its process is started with)", async () => {
    const manifest = join(dir.path, 'stdio.json');
    const stdio = (id: string, ref: string) => ({
      id,
      version: '1.0.0',
      displayName: id,
      transport: 'stdio',
      command: 'node',
      args: ['server.js'],
      env: { API_TOKEN: { secretRef: ref } },
      auth: { type: 'none' },
      scopes: ['tools:call'],
      quotas: { perMinute: 60, perHour: 1000 },
      enabled: true,
      metadata: { brand: 'brAInwav' },
    });
    await writeFile(
      manifest,
      JSON.stringify({
        id: 'stdio-doctor',
        manifestVersion: 'v1',
        brand: 'brAInwav',
        ttlSeconds: 300,
        connectors: [
          stdio('local', 'env:CONNECTOR_ALPHA_TOKEN'),
          stdio('other', 'env:CONNECTOR_MISSING_TOKEN'),
        ],
      }),
    );
    const result = await runCli(['doctor', '--manifest', manifest], { env: GOOD_ENV });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(3, 5)).toEqual([
      '✔ secretRef local (env:CONNECTOR_ALPHA_TOKEN): ok',
      '✖ secretRef other (env:CONNECTOR_MISSING_TOKEN): missing',
    ]);
    expectNoSecrets(result, SECRETS);
  });

  it('a missing secretRef and a short key: ✖ lines, exit 1, values never printed', async () => {
    const short = 'short-signing-key';
    const env = { ...GOOD_ENV, CONNECTORS_SIGNATURE_KEY: short, CONNECTOR_BETA_KEY: '' };
    const result = await runCli(['doctor', '--manifest', FIXTURE_MANIFEST], { env });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      '✖ CONNECTORS_SIGNATURE_KEY: must be at least 32 bytes (got 17)',
      '✔ CONNECTORS_API_KEY: 1 key set',
      `✔ manifest ${FIXTURE_MANIFEST}: cli-fixture 2026.11.22-test, 3 connectors (2 enabled, 1 disabled)`,
      '✔ secretRef alpha (env:CONNECTOR_ALPHA_TOKEN): ok',
      '✖ secretRef beta (env:CONNECTOR_BETA_KEY): missing',
      '· secretRef gamma (env:CONNECTOR_GAMMA_TOKEN): not checked (connector disabled)',
      'brAInwav: doctor: 2 of 5 checks failed',
      '',
    ]);
    expectNoSecrets(result, [short, API_KEY, ALPHA]);
  });

  it('file: secretRefs resolve (ok) or report missing with the system code', async () => {
    const tokenFile = join(dir.path, 'token.txt');
    await writeFile(tokenFile, 'file-secret-token-value\n');
    const manifest = {
      id: 'file-refs',
      manifestVersion: '1',
      brand: 'brAInwav',
      connectors: ['present', 'absent'].map((id) => ({
        id,
        version: '1',
        displayName: id,
        endpoint: 'https://mcp.example/mcp',
        auth: {
          type: 'bearer',
          secretRef: `file:${id === 'present' ? tokenFile : join(dir.path, 'absent.txt')}`,
        },
        scopes: ['tools:read'],
        quotas: { perMinute: 1, perHour: 1 },
      })),
    };
    const path = join(dir.path, 'manifest.json');
    await writeFile(path, JSON.stringify(manifest));
    const result = await runCli(['doctor', '--manifest', path], {
      env: { ...GOOD_ENV, CONNECTORS_SECRET_DIR: dir.path },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✔ secretRef present (file:${tokenFile}): ok\n`);
    expect(result.stdout).toContain(
      `✖ secretRef absent (file:${join(dir.path, 'absent.txt')}): missing (ENOENT)\n`,
    );
    expectNoSecrets(result, ['file-secret-token-value', ...SECRETS]);
  });

  it('no signing key, no API key, bad ports and URL are each a ✖ line', async () => {
    const env = {
      CONNECTOR_ALPHA_TOKEN: ALPHA,
      CONNECTOR_BETA_KEY: BETA,
      ASBR_PORT: '70000',
      CONNECTORS_PORT: '7071',
      ASBR_URL: 'ftp://x',
    };
    const result = await runCli(['doctor', '--manifest', FIXTURE_MANIFEST], { env });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      '✖ signing key: missing: set CONNECTORS_SIGNATURE_KEY (HS256, >= 32 bytes) or CONNECTORS_SIGNING_JWK (EdDSA)',
      '✖ CONNECTORS_API_KEY: missing (required unless NO_AUTH=true)',
      '✖ ASBR_PORT: must be an integer between 0 and 65535',
      '✔ CONNECTORS_PORT: 7071',
      '✖ ASBR_URL: must be an http(s) URL',
    ]);
    expect(result.stdout).toMatch(/brAInwav: doctor: 4 of 8 checks failed\n$/);
  });

  it('checks an EdDSA key, verify keys and NO_AUTH', async () => {
    const key = await generateSigningKey('EdDSA');
    const privateJwk = (key.signing as { privateJwk: { d: string } }).privateJwk;
    const env = {
      CONNECTORS_SIGNING_JWK: JSON.stringify(privateJwk),
      CONNECTORS_VERIFY_KEYS: JSON.stringify([key.verify, { alg: 'HS256', secret: HS_SECRET }]),
      NO_AUTH: 'true',
      CONNECTOR_ALPHA_TOKEN: ALPHA,
      CONNECTOR_BETA_KEY: BETA,
    };
    const result = await runCli(['doctor', '--manifest', FIXTURE_MANIFEST], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      `✔ CONNECTORS_SIGNING_JWK: Ed25519 private JWK, kid ${key.kid}`,
      `✔ CONNECTORS_VERIFY_KEYS: 2 keys (kid ${key.kid}, ${await defaultHsKid(HS_SECRET)})`,
      '✔ CONNECTORS_API_KEY: not required (NO_AUTH=true)',
    ]);
    expectNoSecrets(result, [privateJwk.d, HS_SECRET, ALPHA, BETA]);
    const bad = await runCli(['doctor', '--manifest', FIXTURE_MANIFEST], {
      env: { ...env, CONNECTORS_SIGNING_JWK: '{"d":"private-part-secret"}', NO_AUTH: 'yes' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n').slice(0, 3)).toEqual([
      '✖ CONNECTORS_SIGNING_JWK: must be an Ed25519 private JWK (kty "OKP", crv "Ed25519", base64url x and d)',
      `✔ CONNECTORS_VERIFY_KEYS: 2 keys (kid ${key.kid}, ${await defaultHsKid(HS_SECRET)})`,
      '✖ NO_AUTH: must be "true" or "false"',
    ]);
    expectNoSecrets(bad, ['private-part-secret']);
  });

  it('an invalid manifest lists its issues indented; secretRefs are then not checked', async () => {
    const result = await runCli(['doctor', '--manifest', INVALID_MANIFEST], { env: GOOD_ENV });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(2)).toEqual([
      `✖ manifest ${INVALID_MANIFEST}: invalid (4 issues)`,
      '    connectors[0].id: must match ^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$ (got "Bad_Id")',
      '    connectors[0].endpoint: must be an http(s) URL (got "ftp://example.com/mcp")',
      '    connectors[0].auth.headerName: is required when type is "apiKey"',
      '    connectors[0].quotas.perHour: must be >= perMinute (got 10 < 60)',
      'brAInwav: doctor: 1 of 3 checks failed',
      '',
    ]);
  });

  it('finds the manifest through CONNECTORS_MANIFEST_PATH, else config/connectors.manifest.json under cwd', async () => {
    const viaEnv = await runCli(['doctor'], {
      env: { ...GOOD_ENV, CONNECTORS_MANIFEST_PATH: 'tests/fixtures/connectors.manifest.json' },
      cwd: PACKAGE_DIR,
    });
    expect(viaEnv.stdout).toContain(`✔ manifest ${FIXTURE_MANIFEST}: cli-fixture`);
    expect(viaEnv.code).toBe(0);
    const missing = await runCli(['doctor'], { env: GOOD_ENV, cwd: dir.path });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      `✖ manifest ${join(dir.path, 'config/connectors.manifest.json')}: manifest not found at ${join(dir.path, 'config/connectors.manifest.json')} (ENOENT)\n`,
    );
  });

  it('--env-file fills variables the environment lacks; the environment wins', async () => {
    const envFile = join(dir.path, '.env.local');
    await writeFile(
      envFile,
      `CONNECTORS_SIGNATURE_KEY=${HS_SECRET}\nCONNECTORS_API_KEY=${API_KEY}\nCONNECTOR_ALPHA_TOKEN=${ALPHA}\nCONNECTOR_BETA_KEY=from-file-value\n`,
    );
    const result = await runCli(['doctor', '--manifest', FIXTURE_MANIFEST, '--env-file', envFile], {
      env: { CONNECTOR_BETA_KEY: BETA },
    });
    expect(result.code).toBe(0);
    expectNoSecrets(result, [...SECRETS, 'from-file-value']);
    const missingFile = await runCli(['doctor', '--env-file', join(dir.path, 'none.env')]);
    expect(missingFile).toEqual({
      code: 1,
      stdout: '',
      stderr: `brAInwav: could not read ${join(dir.path, 'none.env')} (ENOENT)\n`,
    });
  });
});
