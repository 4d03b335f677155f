import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { createKeySet, defaultEdKid, defaultHsKid, parseKeySetJson } from '@cortex-os/connectors-manifest';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../src/index.js';
import { FIXTURE_MANIFEST, runCli, tempDir } from './helpers.js';

interface KeygenJson {
  alg: string;
  kid: string;
  signing: { alg: string; secret: string; privateJwk: { x: string; d: string } };
  verify: unknown;
  env: Record<string, string>;
}

describe('keygen', () => {
  it('HS256 prints a commented CONNECTORS_SIGNATURE_KEY line ready for .env.local', async () => {
    const result = await runCli(['keygen', '--alg', 'HS256']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('# brAInwav connectors signing key (HS256), generated 2026-11-22T03:00:00.000Z');
    expect(lines[1]).toMatch(/^# kid hs256-[0-9a-f]{12}$/);
    expect(lines[2]).toMatch(/^CONNECTORS_SIGNATURE_KEY=[A-Za-z0-9_-]{64}$/);
    expect(lines[3]).toBe('');
    const env = parseEnv(result.stdout);
    const secret = env.CONNECTORS_SIGNATURE_KEY!;
    expect(lines[1]).toBe(`# kid ${await defaultHsKid(secret)}`);
    const second = parseEnv((await runCli(['keygen', '--alg', 'HS256'])).stdout);
    expect(second.CONNECTORS_SIGNATURE_KEY).not.toBe(secret);
  });

  it('EdDSA prints the private JWK and the public verify key with its kid', async () => {
    const result = await runCli(['keygen', '--alg', 'EdDSA']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('# brAInwav connectors signing key (EdDSA), generated 2026-11-22T03:00:00.000Z');
    expect(lines[2]).toMatch(
      /^CONNECTORS_SIGNING_JWK='\{"kty":"OKP","crv":"Ed25519","x":"[\w-]{43}","d":"[\w-]{43}"\}'$/,
    );
    expect(lines[3]).toMatch(
      /^CONNECTORS_VERIFY_KEYS='\[\{"kid":"ed25519-[0-9a-f]{12}","alg":"EdDSA","publicJwk":\{"kty":"OKP","crv":"Ed25519","x":"[\w-]{43}"\}\}\]'$/,
    );
    const env = parseEnv(result.stdout);
    const jwk = JSON.parse(env.CONNECTORS_SIGNING_JWK!) as { x: string; d: string };
    const verify = parseKeySetJson(env.CONNECTORS_VERIFY_KEYS!);
    const kid = await defaultEdKid(jwk);
    expect(lines[1]).toBe(`# kid ${kid}`);
    expect(verify).toEqual([{ kid, alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } }]);
    expect(env.CONNECTORS_VERIFY_KEYS).not.toContain(jwk.d);
    expect((await createKeySet(verify)).kids()).toEqual([kid]);
  });

  it('the printed env signs a map that verifies with the printed verify keys', async () => {
    const env = parseEnv((await runCli(['keygen', '--alg', 'EdDSA'])).stdout);
    const signed = await runCli(['sign', FIXTURE_MANIFEST], {
      env: { CONNECTORS_SIGNING_JWK: env.CONNECTORS_SIGNING_JWK },
    });
    expect(signed.code).toBe(0);
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'map.json'), signed.stdout);
      const verified = await runCli(['verify', join(dir.path, 'map.json')], {
        env: { CONNECTORS_VERIFY_KEYS: env.CONNECTORS_VERIFY_KEYS },
      });
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^OK kid=ed25519-[0-9a-f]{12} alg=EdDSA version=\d+ expires=/);
    } finally {
      await dir.remove();
    }
  });

  it('--json prints one object with alg, kid, signing, verify and env', async () => {
    const result = await runCli(['keygen', '--alg', 'eddsa', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as KeygenJson;
    expect(Object.keys(json)).toEqual(['alg', 'kid', 'signing', 'verify', 'env']);
    expect(json.alg).toBe('EdDSA');
    expect(json.kid).toBe(await defaultEdKid(json.signing.privateJwk));
    expect(json.verify).toEqual({
      kid: json.kid,
      alg: 'EdDSA',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: json.signing.privateJwk.x },
    });
    expect(Object.keys(json.env)).toEqual(['CONNECTORS_SIGNING_JWK', 'CONNECTORS_VERIFY_KEYS']);
    const hs = JSON.parse((await runCli(['keygen', '--alg', 'HS256', '--json'])).stdout) as KeygenJson;
    expect(hs.signing).toEqual({ alg: 'HS256', secret: hs.env.CONNECTORS_SIGNATURE_KEY });
    expect(hs.kid).toBe(await defaultHsKid(hs.signing.secret));
  });

  it('requires --alg HS256|EdDSA, exit 64', async () => {
    expect(await runCli(['keygen'])).toEqual({
      code: 64,
      stdout: '',
      stderr: `brAInwav: keygen: --alg HS256|EdDSA is required\n\n${COMMAND_HELP.keygen}\n`,
    });
    const bad = await runCli(['keygen', '--alg', 'RS256']);
    expect(bad.code).toBe(64);
    expect(bad.stderr.split('\n')[0]).toBe('brAInwav: keygen: --alg must be HS256 or EdDSA (got "RS256")');
  });
});
