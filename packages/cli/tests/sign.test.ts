import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createKeySet,
  defaultHsKid,
  generateSigningKey,
  verifyServiceMap,
  type KeyInput,
} from '@cortex-os/connectors-manifest';
import { decodeTime } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../src/index.js';
import {
  expectNoSecrets,
  FIXTURE_MANIFEST,
  HS_SECRET,
  INVALID_MANIFEST,
  NOW,
  runCli,
  tempDir,
} from './helpers.js';

async function verifyWith(text: string, keys: KeyInput[], now = NOW) {
  return verifyServiceMap(text, { keys: await createKeySet(keys), now: new Date(now) });
}

describe('sign', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('signs with CONNECTORS_SIGNATURE_KEY: fresh ULID, version = now (ms), TTL from the manifest', async () => {
    const result = await runCli(['sign', FIXTURE_MANIFEST], { env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.endsWith('}\n')).toBe(true);
    const map = JSON.parse(result.stdout) as { id: string; connectors: { id: string; status: string }[] };
    expect(map.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeTime(map.id)).toBe(NOW);
    expect(map).toMatchObject({
      brand: 'brAInwav',
      version: NOW,
      manifestId: 'cli-fixture',
      manifestVersion: '2026.11.22-test',
      generatedAt: '2026-11-22T03:00:00.000Z',
      expiresAt: '2026-11-22T03:05:00.000Z',
      ttlSeconds: 300,
    });
    expect(map.connectors.map((c) => `${c.id}:${c.status}`)).toEqual([
      'alpha:enabled',
      'beta:enabled',
      'gamma:disabled',
    ]);
    const verified = await verifyWith(result.stdout, [{ alg: 'HS256', secret: HS_SECRET }]);
    expect(verified).toMatchObject({ ok: true, kid: await defaultHsKid(HS_SECRET), alg: 'HS256' });
    expectNoSecrets(result, [HS_SECRET]);
    const again = JSON.parse(
      (await runCli(['sign', FIXTURE_MANIFEST], { env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET } })).stdout,
    ) as { id: string };
    expect(again.id).not.toBe(map.id);
  });

  it('--version and --ttl override the defaults', async () => {
    const result = await runCli(['sign', FIXTURE_MANIFEST, '--version', '42', '--ttl', '60'], {
      env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      version: 42,
      ttlSeconds: 60,
      expiresAt: '2026-11-22T03:01:00.000Z',
    });
    const expired = await verifyWith(result.stdout, [{ alg: 'HS256', secret: HS_SECRET }], NOW + 60_000);
    expect(expired).toMatchObject({ ok: false, code: 'EXPIRED' });
  });

  it('--out writes the map and prints a summary line', async () => {
    const out = join(dir.path, 'nested/dir/service-map.json');
    const result = await runCli(['sign', FIXTURE_MANIFEST, '--out', out, '--version', '3'], {
      env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET },
    });
    expect(result.code).toBe(0);
    const text = await readFile(out, 'utf8');
    const map = JSON.parse(text) as { id: string };
    const kid = await defaultHsKid(HS_SECRET);
    expect(result).toEqual({
      code: 0,
      stdout: `OK wrote ${out} id=${map.id} version=3 kid=${kid} alg=HS256 expires=2026-11-22T03:05:00.000Z connectors=3\n`,
      stderr: '',
    });
    expect((await verifyWith(text, [{ alg: 'HS256', secret: HS_SECRET }])).ok).toBe(true);
  });

  it('CONNECTORS_SIGNING_JWK (EdDSA) wins over CONNECTORS_SIGNATURE_KEY', async () => {
    const key = await generateSigningKey('EdDSA');
    const jwk = key.signing.alg === 'EdDSA' ? key.signing.privateJwk : {};
    const env = { CONNECTORS_SIGNING_JWK: JSON.stringify(jwk), CONNECTORS_SIGNATURE_KEY: HS_SECRET };
    const result = await runCli(['sign', FIXTURE_MANIFEST], { env });
    expect(result.code).toBe(0);
    expect(await verifyWith(result.stdout, [key.verify])).toMatchObject({
      ok: true,
      kid: key.kid,
      alg: 'EdDSA',
    });
    expectNoSecrets(result, [HS_SECRET, String(jwk.d)]);
  });

  it.each([
    ['keygen .env lines', async () => (await runCli(['keygen', '--alg', 'EdDSA'])).stdout],
    ['keygen --json', async () => (await runCli(['keygen', '--alg', 'HS256', '--json'])).stdout],
    [
      'an Ed25519 private JWK',
      async () =>
        JSON.stringify(((await generateSigningKey('EdDSA')).signing as { privateJwk: object }).privateJwk),
    ],
    ['the raw HS256 secret', () => Promise.resolve(`${HS_SECRET}\n`)],
  ])('--key-file accepts %s (and ignores the env keys)', async (_name, content) => {
    const file = join(dir.path, 'key');
    await writeFile(file, await content());
    const result = await runCli(['sign', FIXTURE_MANIFEST, '--key-file', file], {
      env: { CONNECTORS_SIGNATURE_KEY: 'x'.repeat(40) },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await writeFile(join(dir.path, 'map.json'), result.stdout);
    const ok = await runCli(['verify', join(dir.path, 'map.json'), '--key-file', file]);
    expect(ok.stdout).toMatch(/^OK kid=(hs256|ed25519)-[0-9a-f]{12} /);
    expect(ok.code).toBe(0);
  });

  it('--env-file supplies a key the environment lacks', async () => {
    const file = join(dir.path, '.env.local');
    await writeFile(file, `# dev keys\nCONNECTORS_SIGNATURE_KEY=${HS_SECRET}\n`);
    const result = await runCli(['sign', FIXTURE_MANIFEST, '--env-file', file]);
    expect(result.code).toBe(0);
    expect((await verifyWith(result.stdout, [{ alg: 'HS256', secret: HS_SECRET }])).ok).toBe(true);
  });

  it('without a key: branded error naming the variables, exit 1', async () => {
    expect(await runCli(['sign', FIXTURE_MANIFEST])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'brAInwav: no signing key: set CONNECTORS_SIGNING_JWK (EdDSA) or CONNECTORS_SIGNATURE_KEY (HS256), or pass --key-file\n',
    });
  });

  it('a short or malformed key is named, never printed, exit 1', async () => {
    const short = 'too-short-secret-value';
    const result = await runCli(['sign', FIXTURE_MANIFEST], { env: { CONNECTORS_SIGNATURE_KEY: short } });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'brAInwav: CONNECTORS_SIGNATURE_KEY must be at least 32 bytes (got 22)\n',
    });
    const badJwk = '{"kty":"OKP","crv":"Ed25519","d":"secret-private-part-not-printed"}';
    const jwk = await runCli(['sign', FIXTURE_MANIFEST], { env: { CONNECTORS_SIGNING_JWK: badJwk } });
    expect(jwk.stderr).toBe(
      'brAInwav: CONNECTORS_SIGNING_JWK must be an Ed25519 private JWK (kty "OKP", crv "Ed25519", base64url x and d)\n',
    );
    const notJson = await runCli(['sign', FIXTURE_MANIFEST], {
      env: { CONNECTORS_SIGNING_JWK: 'secret-not-json-value' },
    });
    expect(notJson.stderr).toBe(
      'brAInwav: CONNECTORS_SIGNING_JWK must be an Ed25519 private JWK as JSON; it is not valid JSON\n',
    );
    for (const r of [result, jwk, notJson])
      expectNoSecrets(r, [short, 'secret-private-part-not-printed', 'secret-not-json-value']);
  });

  it('an invalid manifest prints its issues and writes nothing, exit 1', async () => {
    const out = join(dir.path, 'map.json');
    const result = await runCli(['sign', INVALID_MANIFEST, '--out', out], {
      env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      `brAInwav: manifest ${INVALID_MANIFEST} is invalid (4 issues):`,
      'connectors[0].id: must match ^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$ (got "Bad_Id")',
    ]);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    [['--version=-1'], 'brAInwav: sign: --version must be an integer >= 0 (got "-1")'],
    [['--version', '1.5'], 'brAInwav: sign: --version must be an integer >= 0 (got "1.5")'],
    [['--ttl', '0'], 'brAInwav: sign: --ttl must be an integer >= 1 (got "0")'],
  ])('rejects %j, exit 64', async (extra, message) => {
    const result = await runCli(['sign', FIXTURE_MANIFEST, ...extra], {
      env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET },
    });
    expect(result).toEqual({ code: 64, stdout: '', stderr: `${message}\n\n${COMMAND_HELP.sign}\n` });
  });
});
