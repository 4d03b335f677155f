import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildServiceMap,
  createSigner,
  parseManifest,
  signServiceMap,
  type ManifestInput,
  type Signer,
} from '@cortex-os/connectors-manifest';
import type { Clock, TimerHandle } from '../src/index.js';

/** HS256 secrets (≥ 32 bytes) used by the tests. */
export const SECRET_A = 'brainwav-test-secret-a-0123456789abcdef';
export const SECRET_B = 'brainwav-test-secret-b-0123456789abcdef';

/** A manual clock: time moves only through `advance`, which fires due timers in order. */
export class ManualClock implements Clock {
  #now: number;
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #seq = 0;

  constructor(start = Date.parse('2026-11-22T10:00:00.000Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const id = (this.#seq += 1);
    this.#timers.push({ at: this.#now + Math.max(0, delayMs), fn, id });
    return { cancel: () => void (this.#timers = this.#timers.filter((t) => t.id !== id)) };
  }

  /** Pending timer due times (epoch ms), sorted. */
  pending(): number[] {
    return this.#timers.map((t) => t.at).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every due timer (and letting its async work settle). */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t.id !== due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets pending promise chains (and short I/O) settle. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((r) => setImmediate(r));
}

/** A connector entry as written in a manifest. */
export function connector(
  id: string,
  endpoint: string,
  extra: Record<string, unknown> = {},
): ManifestInput['connectors'][number] {
  return {
    id,
    version: '1.0.0',
    displayName: `Connector ${id}`,
    endpoint,
    auth: { type: 'none' },
    scopes: ['tools:read'],
    quotas: { perMinute: 60, perHour: 1000 },
    ...extra,
  };
}

/** Options of {@link signedMap}. */
export interface SignOptions {
  readonly connectors: ManifestInput['connectors'];
  readonly version: number;
  readonly now: number;
  readonly ttlSeconds?: number;
  readonly signer: Signer;
  /** Base URL stdio connectors are published under (`<gatewayUrl>/mcp/connectors/<id>`). */
  readonly gatewayUrl?: string;
}

/** The exact signed bytes of a service map built by the manifest package. */
export async function signedMap(o: SignOptions): Promise<string> {
  const manifest = parseManifest({
    id: 'brainwav-test',
    manifestVersion: '2026.11.22',
    brand: 'brAInwav',
    ttlSeconds: o.ttlSeconds ?? 300,
    connectors: o.connectors,
  });
  const id = String(o.version).padStart(26, '0');
  const unsigned = buildServiceMap(manifest, {
    now: new Date(o.now),
    id,
    version: o.version,
    ...(o.gatewayUrl ? { gatewayUrl: o.gatewayUrl } : {}),
  });
  return JSON.stringify(await signServiceMap(unsigned, o.signer));
}

/** HS256 signer of `secret`. */
export function hsSigner(secret = SECRET_A): Promise<Signer> {
  return createSigner({ alg: 'HS256', secret });
}

/** A real HTTP server serving signed map bytes like asbr (ETag, If-None-Match, Bearer auth). */
export interface MapServer {
  readonly url: string;
  /** Requests seen: the `if-none-match` and `authorization` headers of each. */
  readonly requests: { ifNoneMatch: string | undefined; authorization: string | undefined }[];
  /** Serves these bytes from now on (ETag = `"v<n>"`, a new one per call). */
  serve(body: string): void;
  /** Answers 503 from now on (`true`) or serves again (`false`). */
  down(isDown: boolean): void;
  /** Holds responses until `release()` is called. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export const API_KEY = 'brainwav-test-api-key-123456';

/** Starts a {@link MapServer} on 127.0.0.1, port 0. */
export async function startMapServer(): Promise<MapServer> {
  let body = '';
  let etag = '';
  let isDown = false;
  let n = 0;
  let held: (() => void)[] | undefined;
  const requests: MapServer['requests'] = [];
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization !== `Bearer ${API_KEY}`) return void res.writeHead(401).end();
    if (isDown) return void res.writeHead(503).end('{"error":"down"}');
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  };
  const server = createServer((req, res) => {
    requests.push({ ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization });
    if (held) held.push(() => answer(req, res));
    else answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve: (b) => {
      body = b;
      n += 1;
      etag = `"v${n}"`;
    },
    down: (d) => {
      isDown = d;
    },
    hold: () => {
      held = [];
    },
    release: () => {
      const pending = held ?? [];
      held = undefined;
      for (const fn of pending) fn();
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls `cond` on the event loop until it holds (a condition wait, not a time window); fails after `limitMs`. */
export async function waitFor(cond: () => boolean, limitMs = 15_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('waitFor: condition never held');
    await new Promise((r) => setImmediate(r));
  }
}
