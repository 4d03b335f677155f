import { describe, expect, it } from 'vitest';
import { brandDescription, gatewayToolName, toolAllowed } from '../src/index.js';

const OPENAI_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe('gatewayToolName', () => {
  it('joins <connectorId>__<tool> unchanged when valid', () => {
    expect(gatewayToolName('everything', 'echo')).toEqual({
      name: 'everything__echo',
      original: 'echo',
      shortened: false,
    });
  });

  it('shortens long names deterministically with a hash suffix, within 64 chars', () => {
    const tool = `very_long_tool_${'x'.repeat(80)}`;
    const a = gatewayToolName('docs', tool);
    expect(a.shortened).toBe(true);
    expect(a.original).toBe(tool);
    expect(a.name).toMatch(OPENAI_NAME);
    expect(a.name).toHaveLength(64);
    expect(gatewayToolName('docs', tool)).toEqual(a);
    expect(gatewayToolName('docs', `${tool}y`).name).not.toBe(a.name);
  });

  it('sanitizes characters outside the OpenAI alphabet and keeps them distinct', () => {
    const dotted = gatewayToolName('fs', 'read.file');
    const underscored = gatewayToolName('fs', 'read_file');
    expect(dotted.name).toMatch(OPENAI_NAME);
    expect(dotted.name).toMatch(/^fs__read_file_[0-9a-z]{10}$/);
    expect(dotted.name).not.toBe(underscored.name);
  });
});

describe('toolAllowed / brandDescription', () => {
  it('applies allow then deny (deny wins)', () => {
    expect(toolAllowed('a', undefined)).toBe(true);
    expect(toolAllowed('a', { allow: ['a', 'b'], deny: ['a'] })).toBe(false);
    expect(toolAllowed('b', { allow: ['a', 'b'] })).toBe(true);
    expect(toolAllowed('c', { allow: ['a'] })).toBe(false);
    expect(toolAllowed('c', { deny: ['a'] })).toBe(true);
  });

  it('brands descriptions with the display name', () => {
    expect(brandDescription('Everything demo', 'Echoes')).toBe('[brAInwav · Everything demo] Echoes');
    expect(brandDescription('Everything demo', undefined)).toBe('[brAInwav · Everything demo]');
  });
});

describe('aggregate names of shortened tools', () => {
  it('keeps the upstream name in _meta when shortened', async () => {
    const { ToolCatalog } = await import('../src/catalog.js');
    const { staticConnectorSource } = await import('../src/index.js');
    const long = `tool_${'z'.repeat(70)}`;
    const proxy = {
      connectorId: 'docs',
      state: 'up' as const,
      breaker: 'closed' as const,
      listTools: () => Promise.resolve([{ name: long, inputSchema: { type: 'object' as const } }]),
      callTool: () => Promise.reject(new Error('unused')),
      client: () => Promise.reject(new Error('unused')),
      onToolsChanged: () => () => undefined,
    };
    const connector = {
      id: 'docs',
      displayName: 'Docs',
      endpoint: 'http://127.0.0.1:1/mcp',
      quotas: { perMinute: 1, perHour: 1 },
    };
    const silent = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const catalog = new ToolCatalog(staticConnectorSource([{ connector, proxy }]), silent, 1000);
    const [tool] = await catalog.list();
    expect(tool!.name).toMatch(OPENAI_NAME);
    expect(tool!._meta).toEqual({
      'io.brainwav/connectorId': 'docs',
      'io.brainwav/tool': long,
      'io.brainwav/originalName': long,
    });
    expect(catalog.route(tool!.name)).toEqual({ connectorId: 'docs', tool: long });
    catalog.close();
  });
});
