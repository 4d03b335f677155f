// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { detectHost } from '../src/adapters/detect.js';
import { dashboardFromToolResult, normaliseToolResult } from '../src/adapters/toolResult.js';
import { formatRemaining } from '../src/components/ExpiryCountdown.js';
import { DashboardError, branded, httpError } from '../src/lib/errors.js';
import { parseDashboardData } from '../src/lib/parse.js';
import { argumentsFromValues, fieldsFromSchema } from '../src/lib/schemaForm.js';
import { DEFAULT_MAX_EVENT_SIZE, SseParser, backoffDelay, type SseMessage } from '../src/lib/sse.js';
import { applyAvailability, describeChanges, refreshDelay } from '../src/lib/state.js';
import { diagnose } from '../src/lib/troubleshooting.js';
import { makeData } from './support/fixtures.js';

describe('SseParser', () => {
  it('parses events split across chunks, skips heartbeats and keeps the last id', () => {
    const got: SseMessage[] = [];
    const parser = new SseParser((m) => got.push(m));
    parser.feed(': heartbeat\n\nid: 7\nevent: availa');
    parser.feed('bility\ndata: {"connectorId":"a",\r\ndata: "availability":"offline"}\n\n');
    parser.feed('data: plain\n\n');
    expect(got).toEqual([
      { id: '7', event: 'availability', data: '{"connectorId":"a",\n"availability":"offline"}' },
      { id: '7', event: 'message', data: 'plain' },
    ]);
  });

  it('treats a CR | LF split across two chunks as one line end, not two', () => {
    const got: SseMessage[] = [];
    const parser = new SseParser((m) => got.push(m));
    parser.feed('id: 1\r');
    parser.feed('\nevent: quota\r');
    parser.feed('\ndata: a\r');
    parser.feed('\ndata: b\r');
    parser.feed('\n\r');
    parser.feed('\ndata: next\r\n\r\n');
    expect(got).toEqual([
      { id: '1', event: 'quota', data: 'a\nb' },
      { id: '1', event: 'message', data: 'next' },
    ]);
  });

  it('throws a branded EVENT_TOO_LARGE error once an event outgrows the cap, buffering no more than that', () => {
    const got: SseMessage[] = [];
    const parser = new SseParser((m) => got.push(m), { maxEventSize: 64 * 1024 });
    const chunk = 'x'.repeat(16 * 1024);
    parser.feed('data: ');
    let fed = 0;
    let failure: unknown;
    try {
      // an endless event: without a cap this loop would buffer 4 MiB
      while (fed < 256) {
        fed += 1;
        parser.feed(chunk);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(DashboardError);
    expect((failure as DashboardError).code).toBe('EVENT_TOO_LARGE');
    expect((failure as DashboardError).message).toBe(
      'brAInwav: a live status event exceeded 65536 characters; the stream was dropped and will reconnect',
    );
    // the chunk that crossed 64 KiB is the one that failed: 4 × 16 KiB + the 6-character prefix
    expect(fed).toBe(4);
    // the partial event was dropped: the parser starts afresh and the cap holds for the next event too
    parser.feed('data: small\n\n');
    expect(got).toEqual([{ id: undefined, event: 'message', data: 'small' }]);
    expect(() => parser.feed(`data: ${'y'.repeat(70 * 1024)}\n\n`)).toThrow('exceeded 65536 characters');
    expect(got).toHaveLength(1);
  });

  it('defaults to a 1 MiB event cap', () => {
    expect(DEFAULT_MAX_EVENT_SIZE).toBe(1024 * 1024);
    const parser = new SseParser(() => undefined);
    expect(() => parser.feed(`data: ${'z'.repeat(DEFAULT_MAX_EVENT_SIZE - 16)}`)).not.toThrow();
    expect(() => parser.feed('z'.repeat(32))).toThrow('exceeded 1048576 characters');
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap with jitter between half and full ceiling (ms)', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 4000, () => 1))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect(backoffDelay(3, 500, 4000, () => 0)).toBe(2000);
  });
});

describe('refreshDelay', () => {
  it('waits half the TTL after the data arrived, never less than the floor', () => {
    const data = makeData(1, { generatedAt: 0, ttlSeconds: 300 });
    expect(refreshDelay(data, 1_000, 1_000)).toBe(150_000);
    expect(refreshDelay(data, 1_000, 100_000)).toBe(51_000);
    expect(refreshDelay(data, 1_000, 999_999)).toBe(1000);
  });
});

describe('state helpers', () => {
  it('applies availability events and describes the change', () => {
    const before = makeData(3);
    const after = applyAvailability(before, {
      connectorId: 'alpha',
      availability: 'offline',
      reason: 'brAInwav: refused',
    });
    expect(after.connectors[0]!.availability).toBe('offline');
    expect(after.connectors[0]!.lastError?.message).toBe('brAInwav: refused');
    expect(describeChanges(before, after)).toEqual(['Alpha connector is now offline']);
    expect(applyAvailability(before, { connectorId: 'nope', availability: 'offline' })).toBe(before);
  });
});

describe('parseDashboardData', () => {
  it('applies defaults and forces disabled connectors to unknown availability', () => {
    const raw = {
      expiresAt: '2026-11-22T10:05:00.000Z',
      connectors: [{ id: 'x', enabled: false, availability: 'online', tools: [{ name: 't' }, 5] }],
    };
    const data = parseDashboardData(raw);
    expect(data.connectors[0]).toMatchObject({
      id: 'x',
      displayName: 'x',
      status: 'disabled',
      availability: 'unknown',
      tools: [{ name: 't' }],
    });
  });

  it('throws a branded INVALID_DATA error on malformed bodies', () => {
    expect(() => parseDashboardData({ connectors: 'no' })).toThrow(
      'brAInwav: unexpected connectors data: connectors is not an array',
    );
    try {
      parseDashboardData(null);
    } catch (error) {
      expect((error as DashboardError).code).toBe('INVALID_DATA');
    }
  });
});

describe('tool results', () => {
  it('reads the dashboard from structuredContent or JSON text and brands tool errors', () => {
    const data = makeData(2);
    expect(dashboardFromToolResult({ content: [], structuredContent: data }).connectors).toHaveLength(2);
    expect(
      dashboardFromToolResult({ content: [{ type: 'text', text: JSON.stringify(data) }] }).mapVersion,
    ).toBe(1);
    expect(() =>
      dashboardFromToolResult({ content: [{ type: 'text', text: 'quota exceeded' }], isError: true }),
    ).toThrow('brAInwav: quota exceeded');
    expect(normaliseToolResult({ result: 'legacy' })).toEqual({
      content: [{ type: 'text', text: 'legacy' }],
      structuredContent: undefined,
      isError: false,
    });
  });
});

describe('schema form', () => {
  const schema = {
    type: 'object',
    properties: {
      q: { type: 'string' },
      n: { type: 'integer' },
      f: { type: 'number' },
      b: { type: 'boolean' },
      e: { enum: ['a', 'b'] },
      o: { type: 'object' },
    },
    required: ['q'],
  };

  it('derives fields per JSON Schema type', () => {
    expect(fieldsFromSchema(schema).map((f) => [f.name, f.kind, f.required])).toEqual([
      ['q', 'string', true],
      ['n', 'integer', false],
      ['f', 'number', false],
      ['b', 'boolean', false],
      ['e', 'enum', false],
      ['o', 'json', false],
    ]);
  });

  it('converts values, omits empty optionals and rejects bad numbers with a branded message', () => {
    const fields = fieldsFromSchema(schema);
    expect(argumentsFromValues(fields, { q: 'hi', n: '3', f: '1.5', b: true, o: '{"k":1}' })).toEqual({
      q: 'hi',
      n: 3,
      f: 1.5,
      b: true,
      e: 'a',
      o: { k: 1 },
    });
    expect(() => argumentsFromValues(fields, { q: 'x', n: '1.5' })).toThrow(
      'brAInwav: n must be a whole number (got "1.5")',
    );
  });
});

describe('errors and troubleshooting', () => {
  it('brands messages once and maps HTTP statuses to codes', () => {
    expect(branded('x')).toBe('brAInwav: x');
    expect(branded('brAInwav: x')).toBe('brAInwav: x');
    expect([401, 403, 503, 500].map((s) => httpError(s, null).code)).toEqual([
      'UNAUTHORIZED',
      'FORBIDDEN',
      'MAP_UNAVAILABLE',
      'SERVER',
    ]);
    expect(
      httpError(503, { error: { code: 'SERVICE_MAP_UNAVAILABLE', message: 'brAInwav: asbr down' } }).message,
    ).toBe('brAInwav: asbr down');
  });

  it('names the cause and the fix', () => {
    expect(diagnose(new DashboardError('UNAUTHORIZED', 'x')).fix).toContain('Check the API key');
    expect(diagnose(new DashboardError('NETWORK', 'x')).fix).toBe(
      'Is the connectors server running? Start it with npm start and retry.',
    );
    const badSig = diagnose(new DashboardError('MAP_UNAVAILABLE', 'x', { serverCode: 'BAD_SIGNATURE' }));
    expect(badSig.cause).toContain('BAD_SIGNATURE');
    expect(badSig.fix).toContain('CONNECTORS_SIGNATURE_KEY differs');
    expect(
      diagnose(new DashboardError('MAP_UNAVAILABLE', 'x', { serverCode: 'SERVICE_MAP_UNAVAILABLE' })).fix,
    ).toContain('Check that asbr is running');
  });
});

describe('detectHost and countdown', () => {
  it('detects ChatGPT, a framed MCP Apps host and the plain browser', () => {
    const top = {} as Window;
    Object.assign(top, { parent: top });
    expect(detectHost(top)).toBe('browser');
    expect(detectHost({ parent: {} } as Window)).toBe('mcp-apps');
    expect(detectHost(Object.assign({}, top, { openai: { callTool: () => Promise.resolve({}) } }))).toBe(
      'chatgpt',
    );
  });

  it('formats the remaining time', () => {
    expect([0, 999, 61_000, 300_000].map(formatRemaining)).toEqual([
      'expired',
      '1 s',
      '1 min 01 s',
      '5 min 00 s',
    ]);
  });
});
