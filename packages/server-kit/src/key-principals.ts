import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { KeyPrincipal } from './authenticator.js';
import { KeyPrincipalsError, type KeyPrincipalsIssue } from './errors.js';
import { keySha256 } from './keys.js';

/** Where `keyRef`s are resolved from (defaults: `process.env`, `fs.readFileSync`). */
export interface KeyPrincipalsOptions {
  /** Environment for `env:NAME` refs. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads a `file:/abs/path` ref (UTF-8); default `readFileSync(path, "utf8")`. */
  readonly readFile?: (path: string) => string;
}

const ENTRY_FIELDS = new Set(['subject', 'roles', 'keySha256', 'keyRef', 'access']);
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/i;
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
/** Shortest key a `keyRef` may resolve to: anything shorter is guessable. */
const MIN_KEY_LENGTH = 16;

type Issues = KeyPrincipalsIssue[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list of unique names (`roles`, `access`), or undefined after recording an issue. */
function names(value: unknown, path: string, issues: Issues, nonEmpty: boolean): string[] | undefined {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    issues.push({ path, message: `must be ${nonEmpty ? 'a non-empty' : 'an'} array of names` });
    return undefined;
  }
  const bad = value.findIndex((v) => typeof v !== 'string' || !NAME.test(v));
  if (bad !== -1) {
    issues.push({ path: `${path}[${bad}]`, message: 'must be a name (letters, digits, . _ : -)' });
    return undefined;
  }
  const list = value as string[];
  const dup = list.findIndex((v, i) => list.indexOf(v) !== i);
  if (dup !== -1) {
    issues.push({ path: `${path}[${dup}]`, message: `repeats "${list[dup]}"` });
    return undefined;
  }
  return list;
}

function resolveRef(ref: string, path: string, issues: Issues, options: KeyPrincipalsOptions) {
  const env = ENV_REF.exec(ref);
  let key: string | undefined;
  if (env) {
    key = (options.env ?? process.env)[env[1]!]?.trim();
    if (!key) return void issues.push({ path, message: `names ${env[1]}, which is not set` });
  } else if (ref.startsWith('file:') && isAbsolute(ref.slice(5))) {
    try {
      key = (options.readFile ?? ((p) => readFileSync(p, 'utf8')))(ref.slice(5)).trim();
    } catch {
      return void issues.push({ path, message: `names a file that cannot be read: ${ref.slice(5)}` });
    }
  } else return void issues.push({ path, message: 'must be env:NAME or file:/absolute/path' });
  if (key.length < MIN_KEY_LENGTH)
    return void issues.push({ path, message: `resolves to a key shorter than ${MIN_KEY_LENGTH} characters` });
  return keySha256(key);
}

function digestOfEntry(
  entry: Record<string, unknown>,
  at: string,
  issues: Issues,
  options: KeyPrincipalsOptions,
): string | undefined {
  const { keySha256: digest, keyRef } = entry;
  if ((digest === undefined) === (keyRef === undefined)) {
    issues.push({ path: at, message: 'must have exactly one of keySha256 and keyRef' });
    return undefined;
  }
  if (keyRef !== undefined)
    return typeof keyRef === 'string'
      ? resolveRef(keyRef, `${at}.keyRef`, issues, options)
      : void issues.push({ path: `${at}.keyRef`, message: 'must be a string' });
  if (typeof digest === 'string' && HEX64.test(digest)) return digest.toLowerCase();
  issues.push({ path: `${at}.keySha256`, message: 'must be 64 hex characters (the SHA-256 of the key)' });
  return undefined;
}

function entryOf(
  entry: unknown,
  at: string,
  issues: Issues,
  options: KeyPrincipalsOptions,
): KeyPrincipal | undefined {
  if (!isObject(entry)) return void issues.push({ path: at, message: 'must be an object' });
  const before = issues.length;
  for (const field of Object.keys(entry))
    if (!ENTRY_FIELDS.has(field)) issues.push({ path: `${at}.${field}`, message: 'is not a known field' });
  const { subject } = entry;
  if (typeof subject !== 'string' || !SUBJECT.test(subject) || subject === 'anonymous')
    issues.push({ path: `${at}.subject`, message: 'must be an id of up to 128 characters, not "anonymous"' });
  const roles = names(entry.roles, `${at}.roles`, issues, false);
  const access = entry.access === undefined ? null : names(entry.access, `${at}.access`, issues, true);
  const digest = digestOfEntry(entry, at, issues, options);
  if (issues.length > before || !roles || access === undefined || !digest) return undefined;
  return Object.freeze({
    subject: subject as string,
    roles: Object.freeze(roles),
    keySha256: digest,
    access: access && Object.freeze(access),
  });
}

function checkUnique(principals: readonly (KeyPrincipal | undefined)[], issues: Issues): void {
  const subjects = new Map<string, number>();
  const digests = new Map<string, number>();
  principals.forEach((p, i) => {
    if (!p) return;
    const sameSubject = subjects.get(p.subject);
    if (sameSubject !== undefined)
      issues.push({
        path: `principals[${i}].subject`,
        message: `repeats principals[${sameSubject}].subject`,
      });
    const sameKey = digests.get(p.keySha256);
    if (sameKey !== undefined)
      issues.push({ path: `principals[${i}]`, message: `has the same key as principals[${sameKey}]` });
    subjects.set(p.subject, sameSubject ?? i);
    digests.set(p.keySha256, sameKey ?? i);
  });
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // never echo V8's message: it quotes the text around the error, which may be a key
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new KeyPrincipalsError(source, [
      { path: '', message: `is not valid JSON${at ? ` (at position ${at})` : ''}` },
    ]);
  }
}

/**
 * Parses and validates an API-key principals file (JSON):
 * `{ "principals": [ { "subject", "roles": [...], "keySha256": "<64 hex>" | "keyRef": "env:NAME" | "file:/abs/path", "access"?: ["mcp", "rest"] } ] }`.
 * `access` lists the auth scopes the key opens (default all). Refs are resolved now (a file is read
 * once) and only the key's SHA-256 is kept. Every problem is reported at once in a
 * {@link KeyPrincipalsError} naming its JSON path (`principals[1].keyRef names API_KEY_X, which is not
 * set`), never a key: unknown fields, a bad subject or name, both or neither of `keySha256`/`keyRef`,
 * a key shorter than 16 characters, a repeated subject, the same key twice.
 */
export function parseKeyPrincipals(
  text: string,
  source: string,
  options: KeyPrincipalsOptions = {},
): readonly KeyPrincipal[] {
  const root = parseJson(text, source);
  const issues: Issues = [];
  if (!isObject(root) || !Array.isArray(root.principals))
    throw new KeyPrincipalsError(source, [{ path: 'principals', message: 'must be an array' }]);
  for (const field of Object.keys(root))
    if (field !== 'principals' && field !== '$schema')
      issues.push({ path: field, message: 'is not a known field' });
  const principals = root.principals.map((entry, i) => entryOf(entry, `principals[${i}]`, issues, options));
  checkUnique(principals, issues);
  if (issues.length > 0) throw new KeyPrincipalsError(source, issues);
  return Object.freeze(principals as KeyPrincipal[]);
}

/**
 * Reads and parses the principals file at `path` (`CONNECTORS_PRINCIPALS_FILE`) with
 * {@link parseKeyPrincipals}; an unreadable file is a {@link KeyPrincipalsError} too.
 */
export function loadKeyPrincipals(path: string, options: KeyPrincipalsOptions = {}): readonly KeyPrincipal[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeyPrincipalsError(path, [{ path: '', message: `cannot be read (${code})` }]);
  }
  return parseKeyPrincipals(text, path, options);
}
