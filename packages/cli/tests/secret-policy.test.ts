import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey } from '@cortex-os/connectors-manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeyFileText } from '../src/index.js';
import { expectNoSecrets, HS_SECRET, runCli, tempDir } from './helpers.js';

const API_KEY = 'doctor-api-key-value-0001';
const MCP_KEY = 'doctor-mcp-key-value-0002';
const BASE_ENV = { CONNECTORS_SIGNATURE_KEY: HS_SECRET, CONNECTORS_API_KEY: API_KEY, MCP_API_KEY: MCP_KEY };

function manifestOf(refs: Record<string, string>): string {
  return JSON.stringify({
    id: 'policy',
    manifestVersion: '1',
    brand: 'brAInwav',
    connectors: Object.entries(refs).map(([id, secretRef]) => ({
      id,
      version: '1',
      displayName: id,
      endpoint: 'https://mcp.example/mcp',
      auth: { type: 'bearer', secretRef },
      scopes: ['tools:read'],
      quotas: { perMinute: 1, perHour: 1 },
    })),
  });
}

describe('doctor: secretRefs the policy refuses are failed checks', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.remove());

  it('gateway keys, names outside the allow-list and file: refs outside CONNECTORS_SECRET_DIR: ✖ not allowed', async () => {
    const path = join(dir.path, 'manifest.json');
    await writeFile(
      path,
      manifestOf({
        search: 'env:MCP_API_KEY',
        github: 'env:GITHUB_TOKEN',
        ok: 'env:CONNECTOR_OK_TOKEN',
        escape: `file:${dir.path}/../passwd`,
      }),
    );
    const env = {
      ...BASE_ENV,
      GITHUB_TOKEN: 'github-token-value-0003',
      CONNECTOR_OK_TOKEN: 'ok-token-value-0004',
      CONNECTORS_SECRET_DIR: dir.path,
    };
    const result = await runCli(['doctor', '--manifest', path], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✖ secretRef search (env:MCP_API_KEY): not allowed (CONNECTORS_SECRET_REFS)\n',
    );
    expect(result.stdout).toContain(
      '✖ secretRef github (env:GITHUB_TOKEN): not allowed (CONNECTORS_SECRET_REFS)\n',
    );
    expect(result.stdout).toContain('✔ secretRef ok (env:CONNECTOR_OK_TOKEN): ok\n');
    expect(result.stdout).toContain(
      `✖ secretRef escape (file:${dir.path}/../passwd): not allowed (outside CONNECTORS_SECRET_DIR)\n`,
    );
    expectNoSecrets(result, [MCP_KEY, API_KEY, HS_SECRET, 'github-token-value-0003', 'ok-token-value-0004']);

    const opened = await runCli(['doctor', '--manifest', path], {
      env: { ...env, CONNECTORS_SECRET_REFS: 'env:*' },
    });
    expect(opened.stdout).toContain('✔ secretRef github (env:GITHUB_TOKEN): ok\n');
    expect(opened.stdout).toContain(
      '✖ secretRef search (env:MCP_API_KEY): not allowed (a gateway key is never sent upstream)\n',
    );
  });

  it('a malformed CONNECTORS_SECRET_REFS is a ✖ line naming the variable', async () => {
    const path = join(dir.path, 'manifest.json');
    await writeFile(path, manifestOf({ ok: 'env:CONNECTOR_OK_TOKEN' }));
    const result = await runCli(['doctor', '--manifest', path], {
      env: { ...BASE_ENV, CONNECTOR_OK_TOKEN: 'ok-token-value-0004', CONNECTORS_SECRET_REFS: 'env:[' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✖ CONNECTORS_SECRET_REFS: entry 0 is not a valid glob\n');
    expect(result.stdout).toContain(
      '✖ secretRef ok (env:CONNECTOR_OK_TOKEN): not checked (CONNECTORS_SECRET_REFS is invalid)\n',
    );
  });
});

describe('verify side: public keys only', () => {
  it('CONNECTORS_VERIFY_KEYS with a private JWK: doctor ✖, verify exits 1 with the branded error, d never printed', async () => {
    const { signing } = await generateSigningKey('EdDSA');
    const jwk = signing.alg === 'EdDSA' ? signing.privateJwk : {};
    const d = String(jwk.d);
    const env = { ...BASE_ENV, CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'EdDSA', publicJwk: jwk }]) };
    const doctor = await runCli(['doctor'], { env });
    expect(doctor.stdout).toContain(
      '✖ CONNECTORS_VERIFY_KEYS: entry 0: publicJwk must be a public key: remove "d"\n',
    );
    const dir = await tempDir();
    const mapFile = join(dir.path, 'map.json');
    await writeFile(mapFile, '{}');
    const verify = await runCli(['verify', mapFile], { env });
    await dir.remove();
    expect(verify).toMatchObject({
      code: 1,
      stderr: 'brAInwav: CONNECTORS_VERIFY_KEYS entry 0: publicJwk must be a public key: remove "d"\n',
    });
    expectNoSecrets(doctor, [d]);
    expectNoSecrets(verify, [d]);
    expect(() =>
      parseKeyFileText(JSON.stringify({ alg: 'EdDSA', publicJwk: jwk }), 'key file k'),
    ).toThrowError('brAInwav: key file k: publicJwk must be a public key: remove "d"');
  });
});
