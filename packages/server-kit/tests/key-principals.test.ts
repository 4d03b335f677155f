import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  createKeyAuthenticator,
  KeyPrincipalsError,
  keySha256,
  loadKeyPrincipals,
  parseKeyPrincipals,
  type KeyPrincipalsOptions,
} from '../src/index.js';
import { REST_KEY, bearer, buildTestApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'server-kit-principals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOT_KEY = 'support-bot-key-0123456789';
const OPS_KEY = 'ops-key-from-env-0123456789';
const FILE_KEY = 'agent-key-from-file-0123456789';
const env = { OPS_KEY };

function write(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

const keyFile = write('agent.key', `${FILE_KEY}\n`);
const principalsFile = () => ({
  principals: [
    {
      subject: 'support-bot',
      roles: ['support'],
      keySha256: keySha256(BOT_KEY).toUpperCase(),
      access: ['mcp'],
    },
    { subject: 'ops', roles: ['ops', 'admin'], keyRef: 'env:OPS_KEY' },
    { subject: 'agent', roles: [], keyRef: `file:${keyFile}`, access: ['rest', 'mcp'] },
  ],
});

function issuesOf(body: unknown, options: KeyPrincipalsOptions = { env }): string {
  try {
    parseKeyPrincipals(typeof body === 'string' ? body : JSON.stringify(body), 'principals.json', options);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyPrincipalsError);
    expect((error as KeyPrincipalsError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a KeyPrincipalsError');
}

describe('keySha256', () => {
  it('is the lowercase hex SHA-256 of the key', () => {
    expect(keySha256('alpha-key')).toMatch(/^67750979[0-9a-f]{56}$/);
  });
});

describe('parseKeyPrincipals / loadKeyPrincipals', () => {
  it('loads bindings, resolving env: and file: refs to digests (never keeping the key)', () => {
    const principals = loadKeyPrincipals(write('ok.json', principalsFile()), { env });
    expect(principals).toEqual([
      { subject: 'support-bot', roles: ['support'], keySha256: keySha256(BOT_KEY), access: ['mcp'] },
      { subject: 'ops', roles: ['ops', 'admin'], keySha256: keySha256(OPS_KEY), access: null },
      { subject: 'agent', roles: [], keySha256: keySha256(FILE_KEY), access: ['rest', 'mcp'] },
    ]);
    expect(JSON.stringify(principals)).not.toContain(OPS_KEY);
    expect(Object.isFrozen(principals[0])).toBe(true);
  });

  it('reports every problem with its JSON path, never a key', () => {
    const message = issuesOf(
      {
        principals: [
          { subject: 'a', roles: ['x'] },
          { subject: 'b b', roles: 'x', keySha256: 'abc' },
          { subject: 'c', roles: [], keyRef: 'env:MISSING_KEY', access: [] },
          { subject: 'd', roles: ['r', 'r'], keyRef: 'file:relative/path' },
          { subject: 'e', roles: [], keyRef: 'env:SHORT', colour: 'red' },
          { subject: 'f', roles: [], keySha256: keySha256(BOT_KEY), keyRef: 'env:OPS_KEY' },
        ],
        extra: true,
      },
      { env: { ...env, SHORT: 'short-key' } },
    );
    expect(message).toBe(
      'brAInwav: principals file principals.json is invalid: extra is not a known field; ' +
        'principals[0] must have exactly one of keySha256 and keyRef; ' +
        'principals[1].subject must be an id of up to 128 characters, not "anonymous"; ' +
        'principals[1].roles must be an array of names; ' +
        'principals[1].keySha256 must be 64 hex characters (the SHA-256 of the key); ' +
        'principals[2].access must be a non-empty array of names; ' +
        'principals[2].keyRef names MISSING_KEY, which is not set; ' +
        'principals[3].roles[1] repeats "r"; ' +
        'principals[3].keyRef must be env:NAME or file:/absolute/path; ' +
        'principals[4].colour is not a known field; ' +
        'principals[4].keyRef resolves to a key shorter than 16 characters; ' +
        'principals[5] must have exactly one of keySha256 and keyRef',
    );
    expect(message).not.toContain('short-key');
  });

  it('refuses a repeated subject and the same key bound twice', () => {
    const message = issuesOf(
      {
        principals: [
          { subject: 'bot', roles: [], keySha256: keySha256(BOT_KEY) },
          { subject: 'bot', roles: [], keyRef: 'env:OPS_KEY' },
          { subject: 'other', roles: [], keyRef: 'env:BOT' },
        ],
      },
      { env: { ...env, BOT: BOT_KEY } },
    );
    expect(message).toBe(
      'brAInwav: principals file principals.json is invalid: principals[1].subject repeats principals[0].subject; ' +
        'principals[2] has the same key as principals[0]',
    );
  });

  it('never echoes the text of invalid JSON, nor an unreadable file', () => {
    const message = issuesOf(`{"principals": [ ${BOT_KEY} ]}`);
    expect(message).toMatch(/^brAInwav: principals file principals\.json is invalid: is not valid JSON/);
    expect(message).not.toContain(BOT_KEY);
    expect(issuesOf([])).toBe(
      'brAInwav: principals file principals.json is invalid: principals must be an array',
    );
    expect(() => loadKeyPrincipals(join(dir, 'absent.json'))).toThrow(
      `brAInwav: principals file ${join(dir, 'absent.json')} is invalid: cannot be read (ENOENT)`,
    );
    expect(
      issuesOf({ principals: [{ subject: 'x', roles: [], keyRef: `file:${join(dir, 'nope.key')}` }] }),
    ).toBe(
      `brAInwav: principals file principals.json is invalid: principals[0].keyRef names a file that cannot be read: ${join(dir, 'nope.key')}`,
    );
  });
});

describe('createKeyAuthenticator with key principals', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('gives a bound key its subject and roles on the scopes it may access; env keys still work', async () => {
    const principals = parseKeyPrincipals(JSON.stringify(principalsFile()), 'inline', { env });
    const scopes = {
      rest: { keys: [REST_KEY], label: 'this route' },
      mcp: { keys: [], label: 'the MCP endpoint' },
    };
    app = await buildTestApp({ scopes, authenticator: createKeyAuthenticator(scopes, principals) });
    const bot = await app.inject({ url: '/mcp', headers: bearer(BOT_KEY) });
    expect(bot.json()).toEqual({
      raw: { subject: 'support-bot', roles: ['support'], scopes: [], claims: {}, via: 'api-key' },
    });
    const botOnRest = await app.inject({ url: '/rest', headers: bearer(BOT_KEY) });
    expect(botOnRest.statusCode).toBe(403);
    const ops = await app.inject({ url: '/rest', headers: { 'x-api-key': OPS_KEY } });
    expect(ops.json().principal).toMatchObject({ subject: 'ops', roles: ['ops', 'admin'] });
    expect((await app.inject({ url: '/rest', headers: bearer(REST_KEY) })).json().principal.roles).toEqual([
      'rest',
    ]);
  });

  it('refuses a binding naming an unknown scope', () => {
    expect(() =>
      createKeyAuthenticator({ rest: { keys: [], label: 'x' } }, [
        { subject: 'bot', roles: [], keySha256: keySha256(BOT_KEY), access: ['mpc'] },
      ]),
    ).toThrow('brAInwav: key principal bot names access scope "mpc", which is none of rest');
  });

  it('answers bound keys synchronously (no promise on the API-key path)', () => {
    const auth = createKeyAuthenticator({ rest: { keys: [REST_KEY], label: 'x' } }, [
      { subject: 'bot', roles: ['support'], keySha256: keySha256(BOT_KEY), access: null },
    ]);
    const request = (key: string) => ({ headers: { authorization: `Bearer ${key}` } }) as never;
    const outcome = auth.authenticate(request(BOT_KEY), 'rest');
    expect(outcome).not.toBeInstanceOf(Promise);
    expect(outcome).toBe(auth.authenticate(request(BOT_KEY), 'rest'));
    expect(auth.authenticate(request('unknown-key-0123456789'), 'rest')).toEqual({
      ok: false,
      failure: 'rejected',
    });
  });
});
