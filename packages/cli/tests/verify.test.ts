import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultHsKid, generateSigningKey } from '@cortex-os/connectors-manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  HS_SECRET,
  runCli,
  serveJson,
  signedFixture,
  startServer,
  tamper,
  tempDir,
  type TestServer,
} from './helpers.js';

const API_KEY = 'brainwav-cli-test-api-key-0001';
const HS_ENV = { CONNECTORS_SIGNATURE_KEY: HS_SECRET };
const EXPIRES = '2026-11-22T03:05:00.000Z';

describe('verify <file>', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let mapFile: string;
  let mapText: string;
  beforeEach(async () => {
    dir = await tempDir();
    mapText = await signedFixture(HS_ENV);
    mapFile = join(dir.path, 'service-map.json');
    await writeFile(mapFile, mapText);
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('prints OK with kid, alg, version, expiry and connector count, exit 0', async () => {
    const kid = await defaultHsKid(HS_SECRET);
    const result = await runCli(['verify', mapFile], { env: HS_ENV });
    expect(result).toEqual({
      code: 0,
      stdout: `OK kid=${kid} alg=HS256 version=7 expires=${EXPIRES} connectors=3\n`,
      stderr: '',
    });
    expectNoSecrets(result, [HS_SECRET]);
  });

  it('one byte of a connector changed → FAIL BAD_SIGNATURE, exit 2', async () => {
    const tampered = join(dir.path, 'tampered.json');
    await writeFile(tampered, tamper(mapText, '"displayName": "Beta"', '"displayName": "Bete"'));
    const kid = await defaultHsKid(HS_SECRET);
    const result = await runCli(['verify', tampered], { env: HS_ENV });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `FAIL BAD_SIGNATURE: brAInwav: service map signature does not verify with kid "${kid}"\n`,
    });
  });

  it('an expired map → FAIL EXPIRED (injected clock), exit 2', async () => {
    const result = await runCli(['verify', mapFile], { env: HS_ENV, now: Date.parse(EXPIRES) });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `FAIL EXPIRED: brAInwav: service map expired at ${EXPIRES}\n`,
    });
    expect((await runCli(['verify', mapFile], { env: HS_ENV, now: Date.parse(EXPIRES) - 1 })).code).toBe(0);
  });

  it('a map signed by another key → FAIL KEY_UNKNOWN, exit 2', async () => {
    const other = await generateSigningKey('HS256');
    const result = await runCli(['verify', mapFile], {
      env: { CONNECTORS_VERIFY_KEYS: JSON.stringify([other.verify]) },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `FAIL KEY_UNKNOWN: brAInwav: service map is signed with an unknown kid "${await defaultHsKid(HS_SECRET)}"\n`,
    );
    expectNoSecrets(result, [other.signing.alg === 'HS256' ? other.signing.secret : '']);
  });

  it('a file that is not JSON → FAIL MALFORMED, exit 2', async () => {
    await writeFile(mapFile, 'not json');
    expect(await runCli(['verify', mapFile], { env: HS_ENV })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'FAIL MALFORMED: brAInwav: service map is not valid JSON\n',
    });
  });

  it('EdDSA: verifies with the public key only (CONNECTORS_VERIFY_KEYS), or the public half of CONNECTORS_SIGNING_JWK', async () => {
    const key = await generateSigningKey('EdDSA');
    const jwk = JSON.stringify((key.signing as { privateJwk: object }).privateJwk);
    await writeFile(mapFile, await signedFixture({ CONNECTORS_SIGNING_JWK: jwk }));
    const expected = `OK kid=${key.kid} alg=EdDSA version=7 expires=${EXPIRES} connectors=3\n`;
    const publicOnly = await runCli(['verify', mapFile], {
      env: { CONNECTORS_VERIFY_KEYS: JSON.stringify([key.verify]) },
    });
    expect(publicOnly).toEqual({ code: 0, stdout: expected, stderr: '' });
    const fromJwk = await runCli(['verify', mapFile], { env: { CONNECTORS_SIGNING_JWK: jwk, ...HS_ENV } });
    expect(fromJwk).toEqual({ code: 0, stdout: expected, stderr: '' });
    expectNoSecrets(fromJwk, [
      HS_SECRET,
      String((key.signing as { privateJwk: { d: string } }).privateJwk.d),
    ]);
  });

  it('--keys replaces the environment keys', async () => {
    const keys = JSON.stringify([{ alg: 'HS256', secret: HS_SECRET }]);
    expect((await runCli(['verify', mapFile, '--keys', keys])).code).toBe(0);
    const other = JSON.stringify([{ alg: 'HS256', secret: 'another-secret-of-at-least-32-bytes!!' }]);
    const result = await runCli(['verify', mapFile, '--keys', other], { env: HS_ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^FAIL KEY_UNKNOWN: /);
    expectNoSecrets(result, ['another-secret-of-at-least-32-bytes!!', HS_SECRET]);
  });

  it('the same HS256 key in CONNECTORS_VERIFY_KEYS and CONNECTORS_SIGNATURE_KEY is accepted once', async () => {
    const env = { ...HS_ENV, CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'HS256', secret: HS_SECRET }]) };
    expect((await runCli(['verify', mapFile], { env })).code).toBe(0);
  });

  it('without keys, or with malformed keys: branded error naming the source, exit 1', async () => {
    expect(await runCli(['verify', mapFile])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'brAInwav: no verification keys: set CONNECTORS_VERIFY_KEYS, CONNECTORS_SIGNATURE_KEY or CONNECTORS_SIGNING_JWK, or pass --keys/--key-file\n',
    });
    const bad = await runCli(['verify', mapFile, '--keys', '[{"alg":"HS256","secret":"short-secret-123"}]']);
    expect(bad).toEqual({
      code: 1,
      stdout: '',
      stderr: 'brAInwav: verification keys: HS256 secret must be at least 32 bytes (got 16)\n',
    });
    const notArray = await runCli(['verify', mapFile], {
      env: { CONNECTORS_VERIFY_KEYS: '{"secret":"some-secret-value"}' },
    });
    expect(notArray.stderr).toBe('brAInwav: CONNECTORS_VERIFY_KEYS must be a JSON array\n');
    expectNoSecrets(bad, ['short-secret-123']);
    expectNoSecrets(notArray, ['some-secret-value']);
  });

  it('a missing file is a branded error naming the path, exit 1', async () => {
    const path = join(dir.path, 'nope.json');
    expect(await runCli(['verify', path], { env: HS_ENV })).toEqual({
      code: 1,
      stdout: '',
      stderr: `brAInwav: could not read ${path} (ENOENT)\n`,
    });
  });
});

describe('verify <url> against a real HTTP server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends Authorization: Bearer CONNECTORS_API_KEY and verifies the served map', async () => {
    server = await startServer(serveJson(await signedFixture(HS_ENV)));
    const result = await runCli(['verify', server.url], {
      env: { ...HS_ENV, CONNECTORS_API_KEY: `${API_KEY},second-key-not-sent` },
    });
    expect(result).toEqual({
      code: 0,
      stdout: `OK kid=${await defaultHsKid(HS_SECRET)} alg=HS256 version=7 expires=${EXPIRES} connectors=3\n`,
      stderr: '',
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(server.requests[0]!.url).toBe('/v1/connectors/service-map');
    expectNoSecrets(result, [API_KEY, HS_SECRET]);
  });

  it('--api-key wins over CONNECTORS_API_KEY; no key sends no Authorization', async () => {
    server = await startServer(serveJson(await signedFixture(HS_ENV)));
    await runCli(['verify', server.url, '--api-key', 'explicit-api-key-value'], {
      env: { ...HS_ENV, CONNECTORS_API_KEY: API_KEY },
    });
    await runCli(['verify', server.url], { env: HS_ENV });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer explicit-api-key-value',
      undefined,
    ]);
  });

  it('a served map with one byte of a connector changed → FAIL BAD_SIGNATURE, exit 2', async () => {
    const text = tamper(
      await signedFixture(HS_ENV),
      'http://127.0.0.1:7201/mcp',
      'http://127.0.0.1:7209/mcp',
    );
    server = await startServer(serveJson(text));
    const result = await runCli(['verify', server.url], { env: { ...HS_ENV, CONNECTORS_API_KEY: API_KEY } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `FAIL BAD_SIGNATURE: brAInwav: service map signature does not verify with kid "${await defaultHsKid(HS_SECRET)}"\n`,
    );
  });

  it('HTTP errors print the status and the branded error body message, exit 2', async () => {
    const body = JSON.stringify({
      brand: 'brAInwav',
      error: { code: 'FORBIDDEN', message: 'brAInwav: the API key is not accepted' },
      traceId: null,
    });
    server = await startServer(serveJson(body, 403));
    const result = await runCli(['verify', server.url, '--api-key', 'wrong-api-key-value'], { env: HS_ENV });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'FAIL HTTP 403 FORBIDDEN: brAInwav: the API key is not accepted\n',
    });
  });

  it('an HTTP error without a branded body prints the status line, exit 2; an echoed key is redacted', async () => {
    server = await startServer((req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream rejected ${req.headers.authorization ?? ''}`);
    });
    const result = await runCli(['verify', `${server.url}?token=query-secret`], {
      env: { ...HS_ENV, CONNECTORS_API_KEY: API_KEY },
    });
    const origin = new URL(server.url).origin;
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `FAIL HTTP 502: brAInwav: ${origin}/v1/connectors/service-map answered HTTP 502 Bad Gateway\n`,
    });
    expectNoSecrets(result, ['query-secret', API_KEY]);
    const echo = JSON.stringify({ error: { code: 'INTERNAL', message: `bad key ${API_KEY}` } });
    await server.close();
    server = await startServer(serveJson(echo, 500));
    const redacted = await runCli(['verify', server.url], {
      env: { ...HS_ENV, CONNECTORS_API_KEY: API_KEY },
    });
    expect(redacted.stderr).toBe('FAIL HTTP 500 INTERNAL: brAInwav: bad key [redacted]\n');
    expectNoSecrets(redacted, [API_KEY]);
  });

  it('a refused connection prints a branded network error, exit 2', async () => {
    server = await startServer(serveJson('{}'));
    const url = server.url;
    await server.close();
    server = undefined;
    const result = await runCli(['verify', url], { env: { ...HS_ENV, CONNECTORS_API_KEY: API_KEY } });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `FAIL NETWORK: brAInwav: could not reach ${url} (ECONNREFUSED)\n`,
    });
  });

  it('a server that never answers times out after --timeout ms, exit 2', async () => {
    server = await startServer(() => undefined);
    const result = await runCli(['verify', server.url, '--timeout', '150'], { env: HS_ENV });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `FAIL NETWORK: brAInwav: could not reach ${server.url} (timed out after 150 ms)\n`,
    });
  });

  it('uses the injected fetch', async () => {
    const text = await signedFixture(HS_ENV);
    const seen: string[] = [];
    const fakeFetch: typeof fetch = (input) => {
      seen.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(new Response(text, { status: 200 }));
    };
    const result = await runCli(['verify', 'https://asbr.example/v1/connectors/service-map'], {
      env: HS_ENV,
      fetch: fakeFetch,
    });
    expect(result.code).toBe(0);
    expect(seen).toEqual(['https://asbr.example/v1/connectors/service-map']);
  });
});
