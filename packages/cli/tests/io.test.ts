import { describe, expect, it } from 'vitest';
import { Output, REDACTED } from '../src/index.js';

function capture(): { output: Output; text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  const output = new Output({
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    env: {},
    cwd: '/',
  });
  return { output, text: () => ({ out, err }) };
}

describe('Output', () => {
  it('redacts registered secrets on both streams, longest first', () => {
    const { output, text } = capture();
    output.secret('abcdefgh12345678', 'abcdefgh', undefined, 'short');
    output.out('key=abcdefgh12345678 prefix=abcdefgh short');
    output.err('x abcdefgh12345678');
    output.raw('raw abcdefgh\n');
    expect(text()).toEqual({
      out: `key=${REDACTED} prefix=${REDACTED} short\nraw ${REDACTED}\n`,
      err: `x ${REDACTED}\n`,
    });
  });

  it('unredacted() is the one raw path (keygen)', () => {
    const { output, text } = capture();
    output.secret('abcdefgh12345678');
    output.unredacted('abcdefgh12345678\n');
    expect(text().out).toBe('abcdefgh12345678\n');
  });
});
