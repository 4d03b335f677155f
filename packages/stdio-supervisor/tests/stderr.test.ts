import { describe, expect, it } from 'vitest';
import { StderrCapture, STDERR_MAX_LINE } from '../src/stderr.js';

function capture(secrets: string[] = [], linesPerSecond?: number) {
  const logged: string[] = [];
  let now = 0;
  const cap = new StderrCapture({
    secrets,
    log: (l) => logged.push(l),
    now: () => now,
    ...(linesPerSecond === undefined ? {} : { linesPerSecond }),
  });
  return { cap, logged, tick: (ms: number) => (now += ms) };
}

describe('StderrCapture', () => {
  it('keeps a UTF-8 character split across chunks whole', () => {
    const { cap, logged } = capture();
    const bytes = Buffer.from('grüße ✓\n');
    cap.write(bytes.subarray(0, 3)); // cuts "ü" in half
    cap.write(bytes.subarray(3, 9)); // cuts "✓"
    cap.write(bytes.subarray(9));
    expect(logged).toEqual(['grüße ✓']);
  });

  it('redacts a secret split across chunks and cuts over-long lines after redaction', () => {
    const secret = 'sk-live-abcdefgh12345678';
    const { cap, logged } = capture([secret]);
    cap.write(`token ${secret.slice(0, 10)}`);
    cap.write(`${secret.slice(10)} end\n`);
    cap.write(`${'y'.repeat(STDERR_MAX_LINE + 100)}${secret}\n`);
    expect(logged[0]).toBe('token [REDACTED] end');
    expect(logged[1]).toBe(`${'y'.repeat(STDERR_MAX_LINE)}… [cut]`);
    expect(logged.join('')).not.toContain(secret);
  });

  it('drops past the per-second budget, reports the count, keeps the tail', () => {
    const { cap, logged, tick } = capture([], 3);
    for (let i = 0; i < 10; i += 1) cap.write(`l${i}\n`);
    expect(logged).toEqual(['l0', 'l1', 'l2']);
    tick(1000);
    cap.write('next\n');
    expect(logged).toEqual(['l0', 'l1', 'l2', '… 7 stderr lines dropped', 'next']);
    cap.write('partial');
    cap.flush();
    expect(cap.lastLine).toBe('partial');
    expect(cap.tail.split('\n')).toEqual([
      'l0',
      'l1',
      'l2',
      'l3',
      'l4',
      'l5',
      'l6',
      'l7',
      'l8',
      'l9',
      'next',
      'partial',
    ]);
  });
});
