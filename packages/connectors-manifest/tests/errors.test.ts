import { describe, expect, it } from 'vitest';
import { ConnectorsError, ERROR_STATUS, errorBody, httpStatusFor } from '@cortex-os/connectors-manifest';

describe('errors', () => {
  it('maps codes to statuses with a 500 default', () => {
    expect(httpStatusFor('UNAUTHORIZED')).toBe(401);
    expect(httpStatusFor('FORBIDDEN')).toBe(403);
    expect(httpStatusFor('MANIFEST_UNAVAILABLE')).toBe(503);
    expect(httpStatusFor('QUOTA_EXCEEDED')).toBe(429);
    expect(httpStatusFor('SOMETHING_ELSE')).toBe(500);
  });

  it('has unique, upper-snake codes', () => {
    const codes = Object.keys(ERROR_STATUS);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });

  it('brands messages once and keeps the cause and subclass name', () => {
    class DemoError extends ConnectorsError {}
    const cause = new Error('root');
    const error = new DemoError('INTERNAL', 'brAInwav: already branded', { cause });
    expect(error.message).toBe('brAInwav: already branded');
    expect(error.name).toBe('DemoError');
    expect(error.cause).toBe(cause);
    expect(new ConnectorsError('INTERNAL', 'plain').message).toBe('brAInwav: plain');
  });

  it('builds the DESIGN.md error body', () => {
    expect(errorBody('FORBIDDEN', 'wrong key', 'abc')).toEqual({
      brand: 'brAInwav',
      error: { code: 'FORBIDDEN', message: 'brAInwav: wrong key' },
      traceId: 'abc',
    });
    expect(errorBody('X', 'y').traceId).toBeNull();
  });
});
