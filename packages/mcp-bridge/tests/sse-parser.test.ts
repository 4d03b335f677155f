import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../src/index.js';

/** Feeds `chunks` (strings are UTF-8 encoded) to a fresh parser; returns what it dispatched. */
function parse(chunks: readonly (string | Buffer)[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return { events, retries };
}

const ev = (data: string, event?: string, id?: string): SseEvent => ({ event, data, id });

/** Splits `bytes` at the given offsets (sorted, unique, inside the buffer). */
function splitAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('SseParser: fields', () => {
  it('dispatches one event per blank line with the default type and no id', () => {
    expect(parse(['data: hello\n\n']).events).toEqual([ev('hello')]);
    expect(parse(['data: one\n\ndata: two\n\n']).events).toEqual([ev('one'), ev('two')]);
  });

  it('joins multi-line data with \\n (no trailing newline)', () => {
    expect(parse(['data: first\ndata: second\ndata: third\n\n']).events).toEqual([
      ev('first\nsecond\nthird'),
    ]);
    expect(parse(['data: a\ndata:\ndata: b\n\n']).events).toEqual([ev('a\n\nb')]);
  });

  it('does not dispatch an event until its blank line arrives', () => {
    expect(parse(['data: pending\n']).events).toEqual([]);
    expect(parse(['data: pending\n', 'data: more\n']).events).toEqual([]);
    expect(parse(['data: pending\n', 'data: more\n', '\n']).events).toEqual([ev('pending\nmore')]);
  });

  it('carries the event: type and resets it after each dispatch', () => {
    expect(parse(['event: update\ndata: x\n\ndata: y\n\n']).events).toEqual([
      ev('x', 'update'),
      ev('y', undefined),
    ]);
    expect(parse(['event: first\nevent: second\ndata: z\n\n']).events).toEqual([ev('z', 'second')]);
  });

  it('persists id: across later events until a new id: replaces it', () => {
    const { events } = parse(['id: 1\ndata: a\n\ndata: b\n\nid: 7\ndata: c\n\ndata: d\n\n']);
    expect(events).toEqual([
      ev('a', undefined, '1'),
      ev('b', undefined, '1'),
      ev('c', undefined, '7'),
      ev('d', undefined, '7'),
    ]);
  });

  it('sets the id to the empty string for "id:" and ignores ids containing NUL', () => {
    expect(parse(['id: 5\ndata: a\n\nid:\ndata: b\n\n']).events).toEqual([
      ev('a', undefined, '5'),
      ev('b', undefined, ''),
    ]);
    expect(parse(['id: 5\ndata: a\n\nid: bad\0id\ndata: b\n\n']).events).toEqual([
      ev('a', undefined, '5'),
      ev('b', undefined, '5'),
    ]);
  });

  it('does not dispatch an event with only id: and empty data:, but uses its id for the next event', () => {
    const { events } = parse(['id: prime-42\ndata:\n\n', 'data: {"jsonrpc":"2.0"}\n\n']);
    expect(events).toEqual([ev('{"jsonrpc":"2.0"}', undefined, 'prime-42')]);
    expect(parse(['id: only\n\n']).events).toEqual([]);
    expect(parse(['event: ping\n\n', 'data: after\n\n']).events).toEqual([ev('after', undefined)]);
  });

  it('reports a numeric retry: to onRetry and ignores non-numeric values', () => {
    const { events, retries } = parse([
      'retry: 1500\n',
      'retry: abc\n',
      'retry: 10x\n',
      'retry: -5\n',
      'retry: 1.5\n',
      'retry:\n',
      'retry: 0\n\n',
      'retry:250\ndata: x\n\n',
    ]);
    expect(retries).toEqual([1500, 0, 250]);
    expect(events).toEqual([ev('x')]);
  });

  it('ignores comment lines, alone or between fields', () => {
    expect(parse([': keep-alive\n\n']).events).toEqual([]);
    expect(parse([':\n:another\ndata: a\n: in between\ndata: b\n\n']).events).toEqual([ev('a\nb')]);
  });

  it('treats a field without a colon as a field with an empty value', () => {
    expect(parse(['data\ndata: x\n\n']).events).toEqual([ev('\nx')]);
    expect(parse(['data\ndata\n\n']).events).toEqual([ev('\n')]);
    expect(parse(['id: 3\ndata: a\n\nid\ndata: b\n\n']).events).toEqual([
      ev('a', undefined, '3'),
      ev('b', undefined, ''),
    ]);
    // an empty event type is the default type (`message`): reported as undefined
    expect(parse(['event\ndata: c\n\n']).events).toEqual([ev('c', undefined)]);
  });

  it('strips exactly one leading space of a value and keeps later colons', () => {
    expect(parse(['data:  two spaces\n\n']).events).toEqual([ev(' two spaces')]);
    expect(parse(['data:no-space\n\n']).events).toEqual([ev('no-space')]);
    expect(parse(['data: a: b:c\n\n']).events).toEqual([ev('a: b:c')]);
    expect(parse(['event:  spaced\ndata: v\n\n']).events).toEqual([ev('v', ' spaced')]);
    expect(parse(['data: trailing \n\n']).events).toEqual([ev('trailing ')]);
  });

  it('ignores unknown fields', () => {
    expect(parse(['foo: bar\nData: no\ndata: yes\n\n']).events).toEqual([ev('yes')]);
  });
});

describe('SseParser: line ends and chunking', () => {
  it('accepts CRLF, lone CR and LF line ends, also mixed', () => {
    expect(parse(['data: a\r\ndata: b\r\n\r\n']).events).toEqual([ev('a\nb')]);
    expect(parse(['data: a\rdata: b\r\r']).events).toEqual([ev('a\nb')]);
    expect(parse(['data: a\ndata: b\n\n']).events).toEqual([ev('a\nb')]);
    expect(parse(['event: m\rdata: 1\r\ndata: 2\n\r\ndata: 3\r\r']).events).toEqual([
      ev('1\n2', 'm'),
      ev('3'),
    ]);
  });

  it('treats a CR at the end of a chunk followed by LF in the next as one line end', () => {
    expect(parse(['data: a\r', '\ndata: b\r\n\r\n']).events).toEqual([ev('a\nb')]);
    expect(parse(['data: a\r\n\r', '\ndata: b\r\n\r\n']).events).toEqual([ev('a'), ev('b')]);
    expect(parse(['data: a\r', '\n', '\r', '\n']).events).toEqual([ev('a')]);
  });

  it('ends the line at a trailing CR when the next chunk does not start with LF', () => {
    expect(parse(['data: a\r', 'data: b\r\r']).events).toEqual([ev('a\nb')]);
    expect(parse(['data: a\r', '\r']).events).toEqual([ev('a')]);
    expect(parse(['data: a\r', '\rdata: b\n\n']).events).toEqual([ev('a'), ev('b')]);
  });

  it('does not dispatch early when CRLF of the blank line straddles two chunks', () => {
    const { events } = parse(['data: x\r\n\r', '\n']);
    expect(events).toEqual([ev('x')]);
    const later = parse(['data: x\r\n\r', '\nid: 9\r\n', 'data: y\r\n\r\n']);
    expect(later.events).toEqual([ev('x'), ev('y', undefined, '9')]);
  });

  it('decodes a 2-byte UTF-8 character split across two chunks', () => {
    const bytes = Buffer.from('data: café\n\n', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of é
    expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]).events).toEqual([ev('café')]);
  });

  it('decodes a 4-byte emoji split at every byte position', () => {
    const bytes = Buffer.from('event: e😀\ndata: 😀x\n\n', 'utf8');
    const emoji = bytes.indexOf(0xf0, bytes.indexOf('data'));
    for (let k = 1; k <= 3; k += 1) {
      const cut = emoji + k;
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]).events).toEqual([ev('😀x', 'e😀')]);
    }
    const oneByteAtATime = [...bytes].map((b) => Buffer.from([b]));
    expect(parse(oneByteAtATime).events).toEqual([ev('😀x', 'e😀')]);
  });

  it('dispatches several events from one chunk and keeps the remainder for the next', () => {
    const { events } = parse(['data: 1\n\ndata: 2\n\ndata: 3', '\n\ndata: 4\n', '\n']);
    expect(events).toEqual([ev('1'), ev('2'), ev('3'), ev('4')]);
  });

  it('yields the same events for any serialization split at arbitrary byte boundaries', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[\r\n\0]/.test(s));
    const input = fc.record({
      event: fc.option(text, { nil: undefined }),
      id: fc.option(text, { nil: undefined }),
      data: fc.array(text, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
    });
    const eol = fc.constantFrom('\n', '\r', '\r\n');
    fc.assert(
      fc.property(
        fc.array(input, { maxLength: 6 }),
        fc.array(eol, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (inputs, eols, cuts) => {
          let k = 0;
          let previous = '';
          const line = (s: string): string => {
            let end = eols[k++ % eols.length]!;
            // a blank line ended by LF right after a lone CR would read as one CRLF line end
            if (s === '' && previous === '\r' && end === '\n') end = '\r\n';
            previous = end;
            return `${s}${end}`;
          };
          let wire = '';
          const expected: SseEvent[] = [];
          let lastId: string | undefined;
          for (const e of inputs) {
            if (e.comment) wire += line(': note');
            if (e.id !== undefined) wire += line(`id: ${e.id}`);
            if (e.event !== undefined) wire += line(`event: ${e.event}`);
            for (const d of e.data) wire += line(`data: ${d}`);
            wire += line('');
            if (e.id !== undefined) lastId = e.id;
            const data = e.data.join('\n');
            if (data !== '') expected.push({ event: e.event || undefined, data, id: lastId });
          }
          const bytes = Buffer.from(wire, 'utf8');
          const offsets = [...new Set(cuts.map((c) => (bytes.length > 1 ? 1 + (c % (bytes.length - 1)) : 0)))]
            .filter((o) => o > 0 && o < bytes.length)
            .sort((a, b) => a - b);
          expect(parse(splitAt(bytes, offsets)).events).toEqual(expected);
          expect(parse([bytes]).events).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SseParser: edge cases found in review', () => {
  it('keeps a pending CR across an empty chunk (CR, empty, LF is one line end)', () => {
    expect(parse(['data: a\r', Buffer.alloc(0), '\ndata: b\n\n']).events).toEqual([ev('a\nb')]);
  });

  it('ignores a leading UTF-8 BOM, also when it is split across chunks', () => {
    expect(parse(['\uFEFFdata: x\n\n']).events).toEqual([ev('x')]);
    const bom = Buffer.from('\uFEFFdata: y\n\n', 'utf8');
    expect(parse([bom.subarray(0, 1), bom.subarray(1, 2), bom.subarray(2)]).events).toEqual([ev('y')]);
    // only at the start of the stream: a later U+FEFF is data
    expect(parse(['data: 1\n\n', '\uFEFFdata: 2\n\n']).events).toEqual([ev('1')]);
  });
});
