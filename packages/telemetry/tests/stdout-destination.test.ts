import { closeSync, openSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchedFdDestination } from '../src/index.js';

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) closeSync(fd);
});

function tempFd(): { fd: number; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'brainwav-batched-')), 'out.log');
  const fd = openSync(path, 'w');
  opened.push(fd);
  return { fd, path };
}

describe('batchedFdDestination', () => {
  it('queues the lines of one turn and writes them together, in order, on the next turn', async () => {
    const { fd, path } = tempFd();
    const destination = batchedFdDestination(fd);
    destination.write('a\n');
    destination.write('bé\n');
    expect(destination.pending).toBe(5);
    expect(readFileSync(path, 'utf8')).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(path, 'utf8')).toBe('a\nbé\n');
    expect(destination.pending).toBe(0);
  });

  it('flush() writes synchronously and calls back; one destination per fd', () => {
    const { fd, path } = tempFd();
    const destination = batchedFdDestination(fd);
    expect(batchedFdDestination(fd)).toBe(destination);
    destination.write('x\n');
    let called = 0;
    destination.flush(() => (called += 1));
    expect(called).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('x\n');
  });

  it('an unwritable fd fails flush with the errno, passed to the callback', () => {
    const { fd } = tempFd();
    const destination = batchedFdDestination(fd);
    closeSync(opened.pop()!);
    destination.write('lost\n');
    let error: Error | undefined;
    destination.flush((err) => (error = err));
    expect((error as NodeJS.ErrnoException).code).toBe('EBADF');
    destination.write('again\n');
    expect(() => destination.flush()).toThrow(/EBADF/);
  });
});
