import { describe, expect, it } from 'vitest';
import { TOOL_NAME_PATTERN, toolName } from '@cortex-os/connectors-manifest';

describe('toolName', () => {
  it('joins id and tool with a double underscore when valid', () => {
    expect(toolName('everything', 'echo')).toEqual({
      name: 'everything__echo',
      original: 'echo',
      shortened: false,
    });
  });

  it('sanitizes invalid characters with a stable hash suffix', () => {
    const a = toolName('docs', 'search.v2/query');
    expect(a.name).toMatch(TOOL_NAME_PATTERN);
    expect(a.name.startsWith('docs__search_v2_query_')).toBe(true);
    expect(a).toEqual(toolName('docs', 'search.v2/query'));
    expect(toolName('docs', 'search.v2:query').name).not.toBe(a.name);
  });

  it('shortens long names to 64 chars, keeping distinct originals distinct', () => {
    const id = 'a'.repeat(32);
    const long1 = toolName(id, `${'x'.repeat(60)}one`);
    const long2 = toolName(id, `${'x'.repeat(60)}two`);
    expect(long1.name).toHaveLength(64);
    expect(long1.name).toMatch(TOOL_NAME_PATTERN);
    expect(long1.shortened).toBe(true);
    expect(long1.name).not.toBe(long2.name);
  });
});
