import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, createSilentLogger, withSpan } from '../src/index.js';
import { createTestTracing } from '../src/testing.js';
import { capture } from './capture.js';

const SECRET = 'sk-live-9f8e7d6c5b4a';
const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

function setup(level?: 'debug' | 'info') {
  const out = capture();
  const logger = createLogger({ component: 'asbr', secrets: [SECRET, 'abc'], destination: out, level });
  return { out, logger };
}

describe('createLogger', () => {
  it('writes brand and component base fields', () => {
    const { out, logger } = setup();
    logger.info({ connectorId: 'github' }, 'hello');
    const [rec] = out.records();
    expect(rec).toMatchObject({ brand: 'brAInwav', component: 'asbr', connectorId: 'github', msg: 'hello' });
    expect(rec).not.toHaveProperty('trace_id');
  });

  it('keeps extra base fields but brand and component win', () => {
    const out = capture();
    createLogger({ component: 'cli', destination: out, base: { brand: 'x', region: 'eu' } }).info('m');
    expect(out.records()[0]).toMatchObject({ brand: 'brAInwav', component: 'cli', region: 'eu' });
  });

  it('redacts secret values in the message, nested fields and errors', () => {
    const { out, logger } = setup();
    logger.info(`calling with ${SECRET}`);
    logger.info({ deep: { list: [`Bearer ${SECRET}`], n: 1 } }, 'nested');
    logger.error(new Error(`brAInwav: upstream rejected ${SECRET}`));
    logger.warn({ err: new Error(`wrapped ${SECRET}`) }, 'failed');
    const text = out.lines.join('');
    expect(text).not.toContain(SECRET);
    const recs = out.records();
    expect(recs[0]!.msg).toBe('calling with [REDACTED]');
    expect(recs[1]!.deep).toEqual({ list: ['Bearer [REDACTED]'], n: 1 });
    const err = recs[2]!.err as { message: string; stack: string };
    expect(err.message).toBe('brAInwav: upstream rejected [REDACTED]');
    expect(err.stack).toContain('[REDACTED]');
    expect((recs[3]!.err as { message: string }).message).toBe('wrapped [REDACTED]');
  });

  it('ignores secrets shorter than 4 characters', () => {
    const { out, logger } = setup();
    logger.info('abc stays');
    expect(out.records()[0]!.msg).toBe('abc stays');
  });

  it('applies redaction to child loggers and their bindings', () => {
    const { out, logger } = setup();
    const child = logger.child({ token: SECRET, connectorId: 'notion' });
    child.info('child line');
    const [rec] = out.records();
    expect(rec).toMatchObject({
      token: '[REDACTED]',
      connectorId: 'notion',
      component: 'asbr',
      msg: 'child line',
    });
  });

  it('censors credential headers in common casings', () => {
    const { out, logger } = setup();
    logger.info({
      req: {
        headers: { authorization: 'Bearer t0k3n-1', 'x-api-key': 'k3y-1', cookie: 'sid=1', accept: '*/*' },
      },
      headers: { Authorization: 'Bearer t0k3n-2', 'X-API-Key': 'k3y-2', Cookie: 'sid=2' },
    });
    const [rec] = out.records();
    expect(rec!.req).toEqual({
      headers: {
        authorization: '[REDACTED]',
        'x-api-key': '[REDACTED]',
        cookie: '[REDACTED]',
        accept: '*/*',
      },
    });
    expect(rec!.headers).toEqual({
      Authorization: '[REDACTED]',
      'X-API-Key': '[REDACTED]',
      Cookie: '[REDACTED]',
    });
  });

  it('respects the level', () => {
    const { out, logger } = setup('info');
    logger.debug('hidden');
    logger.info('shown');
    expect(out.records().map((r) => r.msg)).toEqual(['shown']);
  });

  it('adds trace_id of the active span', async () => {
    const { out, logger } = setup();
    const traceId = await withSpan('test.span', {}, (span) => {
      logger.info('inside');
      return span.spanContext().traceId;
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(out.records()[0]!.trace_id).toBe(traceId);
  });

  it('fails fast on bad options', () => {
    expect(() => createLogger({ component: '' })).toThrow(/^brAInwav: createLogger option "component"/);
    expect(() => createLogger({ component: 'x', level: 'loud' as 'info' })).toThrow(/got "loud"/);
  });
});

describe('createSilentLogger', () => {
  it('is silent and keeps base fields', () => {
    const logger = createSilentLogger('lib');
    expect(logger.level).toBe('silent');
    expect(logger.bindings()).toEqual({ brand: 'brAInwav', component: 'lib' });
    expect(logger.isLevelEnabled('error')).toBe(false);
  });
});
