import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openPolicyStore,
  PolicyValidationError,
  type PolicyStore,
  type PolicyStoreEvent,
} from '@cortex-os/policy';
import { call, principal } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'policy-store-'));
const stores: PolicyStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const support = principal({ roles: ['support'] });
const allowTools = (...tools: string[]) =>
  `version: 1\nrules:\n  - id: support-tools\n    effect: allow\n    roles: [support]\n    tools: [${tools.map((t) => JSON.stringify(t)).join(', ')}]\n`;
const INVALID = 'version: 1\nrules:\n  - id: bad-args\n    effect: deny\n    when: args.force\n';

let seq = 0;
function policyFile(text: string): string {
  const path = join(dir, `policy-${++seq}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** Replaces the file the way editors do (write a temp file, rename over the original). */
function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function nextEvent(store: PolicyStore, type: PolicyStoreEvent['type']): Promise<PolicyStoreEvent> {
  return new Promise((resolve) => {
    const off = store.on((event) => {
      if (event.type !== type) return;
      off();
      resolve(event);
    });
  });
}

async function open(path: string, watch = true): Promise<PolicyStore> {
  const store = await openPolicyStore({ path, watch, debounceMs: 20 });
  stores.push(store);
  return store;
}

describe('openPolicyStore', () => {
  it('refuses to open on an invalid first file (a server must not start without its policy)', async () => {
    await expect(openPolicyStore({ path: policyFile(INVALID), watch: false })).rejects.toBeInstanceOf(
      PolicyValidationError,
    );
  });

  it('hot reloads a valid edit on file change', async () => {
    const path = policyFile(allowTools('get_ticket'));
    const store = await open(path);
    expect(store.decide(call(support, 'zendesk', 'delete_ticket')).allow).toBe(false);
    const loaded = nextEvent(store, 'loaded');
    replaceFile(path, allowTools('get_ticket', 'delete_ticket'));
    const event = await loaded;
    expect(event.type === 'loaded' && event.status).toMatchObject({ state: 'ok', rules: 1, path });
    expect(store.decide(call(support, 'zendesk', 'delete_ticket'))).toMatchObject({
      allow: true,
      ruleId: 'support-tools',
    });
    expect(store.mayList(support, 'zendesk', 'delete_ticket')).toBe(true);
  });

  it('an invalid edit keeps the last good policy and reports degraded with the path-precise reason, then recovers', async () => {
    const path = policyFile(allowTools('get_ticket'));
    const store = await open(path);
    const rejected = nextEvent(store, 'rejected');
    replaceFile(path, INVALID);
    const event = await rejected;
    const expected = `brAInwav: policy ${path}: rules[0] (id "bad-args").when: unknown variable args in phase list (args exists only in phase call: set phase: call)`;
    expect(event.type === 'rejected' && event.error.message).toBe(expected);
    expect(store.status()).toMatchObject({
      state: 'degraded',
      rules: 1,
      lastError: { code: 'POLICY_INVALID', message: expected },
    });
    expect(store.decide(call(support, 'zendesk', 'get_ticket'))).toMatchObject({
      allow: true,
      ruleId: 'support-tools',
    });

    const loaded = nextEvent(store, 'loaded');
    replaceFile(path, allowTools('list_tickets'));
    await loaded;
    expect(store.status().state).toBe('ok');
    expect(store.status().lastError).toBeUndefined();
    expect(store.decide(call(support, 'zendesk', 'get_ticket')).allow).toBe(false);
    expect(store.decide(call(support, 'zendesk', 'list_tickets')).allow).toBe(true);
  });

  it('reload() on demand (SIGHUP) without a watcher; a deleted file degrades; an unchanged file emits nothing', async () => {
    const path = policyFile(allowTools('a'));
    const store = await open(path, false);
    const events: string[] = [];
    store.on((event) => events.push(event.type));
    writeFileSync(path, allowTools('b'));
    expect(store.decide(call(support, 'c', 'b')).allow).toBe(false);
    expect((await store.reload()).state).toBe('ok');
    expect(store.decide(call(support, 'c', 'b')).allow).toBe(true);
    await store.reload();
    rmSync(path);
    const gone = await store.reload();
    expect(gone).toMatchObject({ state: 'degraded', lastError: { code: 'POLICY_NOT_FOUND' } });
    expect(store.decide(call(support, 'c', 'b')).allow).toBe(true);
    writeFileSync(path, allowTools('b'));
    expect((await store.reload()).state).toBe('ok');
    expect(events).toEqual(['loaded', 'rejected', 'loaded']);
  });

  it('concurrent reloads run one after another and a throwing listener does not break the store', async () => {
    const path = policyFile(allowTools('a'));
    const store = await open(path, false);
    store.on(() => {
      throw new Error('listener failure');
    });
    writeFileSync(path, allowTools('z'));
    const results = await Promise.all([store.reload(), store.reload(), store.reload()]);
    expect(results.map((r) => r.state)).toEqual(['ok', 'ok', 'ok']);
    expect(store.policy.rules[0]?.tools).toEqual(['z']);
  });
});
