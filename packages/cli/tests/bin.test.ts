import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOBAL_HELP } from '../src/index.js';
import {
  FIXTURE_MANIFEST,
  HS_SECRET,
  PACKAGE_DIR,
  runChild,
  serveJson,
  startServer,
  tamper,
  tempDir,
  type TestServer,
} from './helpers.js';

// Real child processes: `node --conditions=@cortex-os/source --import tsx packages/cli/src/bin.ts …`
describe('bin (child process)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('has a node shebang; --help exits 0, an unknown command exits 64 with the usage', async () => {
    expect((await readFile(join(PACKAGE_DIR, 'src/bin.ts'), 'utf8')).split('\n')[0]).toBe(
      '#!/usr/bin/env node',
    );
    expect(await runChild(['--help'])).toEqual({ code: 0, stdout: `${GLOBAL_HELP}\n`, stderr: '' });
    expect(await runChild(['nope'])).toEqual({
      code: 64,
      stdout: '',
      stderr: `brAInwav: unknown command "nope"\n\n${GLOBAL_HELP}\n`,
    });
  });

  it('validate: OK exit 0; missing file exit 1', async () => {
    expect(await runChild(['validate', FIXTURE_MANIFEST])).toEqual({
      code: 0,
      stdout: 'OK manifest=cli-fixture version=2026.11.22-test connectors=3 enabled=2 disabled=1\n',
      stderr: '',
    });
    const missing = await runChild(['validate', 'does/not/exist.json'], {}, PACKAGE_DIR);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `brAInwav: manifest not found at ${join(PACKAGE_DIR, 'does/not/exist.json')} (ENOENT)\n`,
    });
  });

  it('keygen → sign --key-file → verify <url> OK (exit 0) and tampered (FAIL BAD_SIGNATURE, exit 2)', async () => {
    const dir = await tempDir();
    try {
      const keygen = await runChild(['keygen', '--alg', 'EdDSA']);
      expect(keygen.code).toBe(0);
      const keyFile = join(dir.path, 'dev.env');
      await writeFile(keyFile, keygen.stdout);
      const mapFile = join(dir.path, 'map.json');
      const signed = await runChild([
        'sign',
        FIXTURE_MANIFEST,
        '--key-file',
        keyFile,
        '--out',
        mapFile,
        '--version',
        '9',
      ]);
      expect(signed.code).toBe(0);
      expect(signed.stdout).toMatch(
        new RegExp(
          `^OK wrote ${mapFile} id=[0-9A-Z]{26} version=9 kid=ed25519-[0-9a-f]{12} alg=EdDSA expires=\\S+ connectors=3\\n$`,
        ),
      );
      const verifyKeys = parseEnv(keygen.stdout).CONNECTORS_VERIFY_KEYS!;
      const text = await readFile(mapFile, 'utf8');
      server = await startServer(serveJson(text));
      const env = { CONNECTORS_VERIFY_KEYS: verifyKeys, CONNECTORS_API_KEY: 'child-api-key-0001' };
      const ok = await runChild(['verify', server.url], env);
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toMatch(
        /^OK kid=ed25519-[0-9a-f]{12} alg=EdDSA version=9 expires=\S+ connectors=3\n$/,
      );
      expect(ok.code).toBe(0);
      expect(server.requests[0]!.headers.authorization).toBe('Bearer child-api-key-0001');
      await server.close();
      server = await startServer(serveJson(tamper(text, '"displayName": "Alpha"', '"displayName": "Alphb"')));
      const bad = await runChild(['verify', server.url], env);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(
        /^FAIL BAD_SIGNATURE: brAInwav: service map signature does not verify with kid "ed25519-[0-9a-f]{12}"\n$/,
      );
      expect(ok.stdout + bad.stderr).not.toContain('child-api-key-0001');
    } finally {
      await dir.remove();
    }
  });

  it('doctor prints the checklist without values and exits 1 on a missing secretRef', async () => {
    const result = await runChild(['doctor', '--manifest', FIXTURE_MANIFEST], {
      CONNECTORS_SIGNATURE_KEY: HS_SECRET,
      CONNECTORS_API_KEY: 'child-api-key-0002',
      CONNECTOR_ALPHA_TOKEN: 'child-alpha-token-value',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✔ secretRef alpha (env:CONNECTOR_ALPHA_TOKEN): ok\n✖ secretRef beta (env:CONNECTOR_BETA_KEY): missing\n',
    );
    for (const secret of [HS_SECRET, 'child-api-key-0002', 'child-alpha-token-value'])
      expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
