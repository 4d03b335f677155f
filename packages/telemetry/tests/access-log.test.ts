import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_SAMPLE_EVERY,
  ACCESS_LOG_SLOW_MS,
  accessLogHook,
  accessLogSampler,
  createLogger,
  type AccessLogMode,
} from '../src/index.js';
import { capture } from './capture.js';

const ok = (select: (s: number, ms: number) => boolean, n: number) =>
  Array.from({ length: n }, () => select(200, 3)).filter(Boolean).length;

describe('accessLogSampler', () => {
  it('off logs nothing, all logs everything', () => {
    expect(ok(accessLogSampler('off'), 500)).toBe(0);
    expect(accessLogSampler('off')(500, 5_000)).toBe(false);
    expect(ok(accessLogSampler('all'), 500)).toBe(500);
  });

  it('errors logs every 4xx/5xx and slow response and no ordinary one', () => {
    const select = accessLogSampler('errors');
    expect(ok(select, 500)).toBe(0);
    expect([select(401, 1), select(404, 1), select(503, 1), select(200, ACCESS_LOG_SLOW_MS)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('sampled logs 1 in 100 ordinary responses (the first included) plus every failure', () => {
    const select = accessLogSampler('sampled');
    expect(select(200, 1)).toBe(true);
    expect(ok(select, ACCESS_LOG_SAMPLE_EVERY * 10 - 1)).toBe(9);
    expect(select(429, 1)).toBe(true);
    expect(accessLogSampler('sampled', 1)(200, 1)).toBe(true);
  });
});

describe('accessLogHook', () => {
  function hit(mode: AccessLogMode, statusCode: number, times = 1) {
    const out = capture();
    const log = createLogger({ component: 'asbr', destination: out, secrets: ['sk-url-secret-123'] });
    const hook = accessLogHook(mode);
    let done = 0;
    for (let i = 0; i < times; i += 1)
      hook(
        { method: 'GET', url: '/v1/connectors?key=sk-url-secret-123', log: log.child({ reqId: `r${i}` }) },
        { statusCode, elapsedTime: 2.345 },
        () => (done += 1),
      );
    return { records: out.records(), done };
  }

  it('writes one request completed line with method, url, status, time and reqId', () => {
    const { records, done } = hit('all', 200);
    expect(done).toBe(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      msg: 'request completed',
      reqId: 'r0',
      req: { method: 'GET', url: '/v1/connectors?key=[REDACTED]' },
      res: { statusCode: 200 },
      responseTime: 2.3,
    });
  });

  it('calls done without a line when the mode does not select the response', () => {
    expect(hit('errors', 200, 50)).toEqual({ records: [], done: 50 });
    expect(hit('sampled', 200, 150).records.map((r) => r.reqId)).toEqual(['r0', 'r100']);
    expect(hit('errors', 500).records[0]).toMatchObject({ res: { statusCode: 500 } });
  });
});
