import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProviderConfig, resolveApiKey } from '../../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brainwav-provider-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function configFile(body: unknown): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

describe('provider config (typed file + env)', () => {
  it('defaults to openai without a base URL, openai-compatible with OPENAI_BASE_URL', async () => {
    expect(await loadProviderConfig({}, dir)).toMatchObject({
      provider: 'openai',
      api: 'auto',
      baseURL: undefined,
    });
    const local = await loadProviderConfig(
      { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1', CORTEX_AGENT_MODEL: 'qwen' },
      dir,
    );
    expect(local).toMatchObject({ provider: 'openai-compatible', model: 'qwen', baseURL: undefined });
  });

  it('reads the file; variables override it; FORCE_CHAT_COMPLETIONS fixes the API', async () => {
    const path = await configFile({
      provider: 'openai-compatible',
      baseURL: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      apiKeyRef: 'env:OLLAMA_KEY',
      retry: { maxRetries: 1 },
      probeCacheFile: 'probe.json',
      hostedMcp: { url: 'https://gw.example.com/mcp', requireApproval: ['everything__echo'] },
    });
    const c = await loadProviderConfig(
      { CORTEX_AGENT_CONFIG: path, CORTEX_AGENT_MODEL: 'qwen2.5', FORCE_CHAT_COMPLETIONS: 'true' },
      dir,
    );
    expect(c).toMatchObject({
      provider: 'openai-compatible',
      baseURL: 'http://127.0.0.1:11434/v1',
      model: 'qwen2.5',
      apiKeyRef: 'env:OLLAMA_KEY',
      api: 'chat_completions',
      retry: { maxRetries: 1 },
      probeCacheFile: join(dir, 'probe.json'),
      hostedMcp: { url: 'https://gw.example.com/mcp', requireApproval: ['everything__echo'] },
    });
  });

  it('refuses a bad file, a bad field and a compatible provider without a model, naming the field', async () => {
    const bad = await configFile('{nope');
    await expect(loadProviderConfig({ CORTEX_AGENT_CONFIG: bad }, dir)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('is not valid JSON'),
    });
    const field = await configFile({ provider: 'anthropic' });
    await expect(loadProviderConfig({ CORTEX_AGENT_CONFIG: field }, dir)).rejects.toThrow(/provider/);
    const extra = await configFile({ model: 'm', temperature: 1 });
    await expect(loadProviderConfig({ CORTEX_AGENT_CONFIG: extra }, dir)).rejects.toThrow(
      /brAInwav: .*temperature/,
    );
    await expect(loadProviderConfig({ CORTEX_AGENT_PROVIDER: 'openai-compatible' }, dir)).rejects.toThrow(
      /model is required/,
    );
  });

  it('resolves the API key by secret reference, else OPENAI_API_KEY; never a gateway key', async () => {
    const env = { OLLAMA_KEY: 'sk-local-1', OPENAI_API_KEY: 'sk-env-2', MCP_API_KEY: 'gw-key-3' };
    const c = await loadProviderConfig({ ...env, CORTEX_AGENT_API_KEY_REF: 'env:OLLAMA_KEY' }, dir);
    expect(await resolveApiKey(c, env)).toBe('sk-local-1');
    expect(await resolveApiKey({ ...c, apiKeyRef: undefined }, env)).toBe('sk-env-2');
    const keyFile = join(dir, 'model.key');
    await writeFile(keyFile, 'sk-file-4\n');
    expect(await resolveApiKey({ ...c, apiKeyRef: `file:${keyFile}` }, env)).toBe('sk-file-4');
    await expect(resolveApiKey({ ...c, apiKeyRef: 'env:MCP_API_KEY' }, env)).rejects.toMatchObject({
      code: 'SECRET_REF_NOT_ALLOWED',
    });
    await expect(resolveApiKey({ ...c, apiKeyRef: 'env:UNSET_KEY' }, env)).rejects.toMatchObject({
      code: 'SECRET_UNRESOLVED',
      message: expect.not.stringContaining('sk-'),
    });
    const openai = await loadProviderConfig({}, dir);
    await expect(resolveApiKey(openai, {})).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(await resolveApiKey({ ...openai, provider: 'openai-compatible' }, {})).toBe('brAInwav-no-key');
  });
});
