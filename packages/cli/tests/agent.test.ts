import { execFile, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startModelServer, type ModelServer, type ModelServerOptions } from '@cortex-os/agents/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HS_SECRET,
  PACKAGE_DIR,
  REPO_ROOT,
  runCli,
  serveJson,
  startServer,
  tempDir,
  type CliResult,
  type TestServer,
} from './helpers.js';
import { scaffoldTempDir, startScaffoldServer, stop, waitForLine } from './scaffold-run.js';

// The built CLI (`node packages/cli/dist/bin.js agent …`) against a real scaffolded HTTP connector, a signed map
// served over HTTP and the fake OpenAI-compatible model server.
let scaffold: { path: string; remove: () => Promise<void> };
let connector: ChildProcess;
let map: TestServer;
let runs: { path: string; remove: () => Promise<void> };
let model: ModelServer | undefined;

beforeAll(async () => {
  scaffold = await scaffoldTempDir();
  const dir = join(scaffold.path, 'demo');
  expect((await runCli(['new', 'demo', '--transport', 'http', '--dir', dir])).code).toBe(0);
  connector = startScaffoldServer(dir, { PORT: '0' });
  const url = await waitForLine(connector, /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)$/);
  const manifest = join(scaffold.path, 'manifest.json');
  await writeFile(
    manifest,
    JSON.stringify({
      id: 'agent-cli-test',
      manifestVersion: '2026.12.03-test',
      brand: 'brAInwav',
      ttlSeconds: 300,
      connectors: [
        {
          id: 'demo',
          version: '0.1.0',
          displayName: 'Demo',
          endpoint: url,
          auth: { type: 'none' },
          scopes: ['tools:read'],
          quotas: { perMinute: 60, perHour: 1000 },
        },
      ],
    }),
  );
  const signed = await runCli(['sign', manifest, '--version', '1'], {
    env: { CONNECTORS_SIGNATURE_KEY: HS_SECRET },
    now: Date.now(),
  });
  expect(signed.code).toBe(0);
  map = await startServer(serveJson(signed.stdout));
  runs = await tempDir();
});

afterAll(async () => {
  await map.close();
  await stop(connector);
  await scaffold.remove();
  await runs.remove();
});

afterEach(async () => {
  await model?.close();
  model = undefined;
});

function runBuilt(argv: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ASBR_URL: map.url,
    CONNECTORS_SIGNATURE_KEY: HS_SECRET,
    OPENAI_BASE_URL: model?.baseURL ?? 'http://127.0.0.1:9/v1',
    CORTEX_AGENT_MODEL: 'fake-model',
    CORTEX_AGENT_RUNS_DIR: runs.path,
    ...env,
  };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(PACKAGE_DIR, 'dist/bin.js'), ...argv],
      { cwd: REPO_ROOT, env: childEnv, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

async function withModel(o: ModelServerOptions): Promise<ModelServer> {
  model = await startModelServer(o);
  return model;
}

const HELLO = 'Hello, brAInwav! (brAInwav connector demo)';

describe('agent run (built CLI)', () => {
  it.each(['responses', 'chat_completions'])(
    '%s: answers by calling the demo connector; tool calls on stderr, the answer on stdout',
    async (api) => {
      const server = await withModel({
        steps: [{ toolCalls: [{ name: 'demo__hello', arguments: { name: 'brAInwav' } }] }],
        respond: (r) =>
          JSON.stringify(r.body).includes(HELLO) ? { text: `The connector said: ${HELLO}` } : undefined,
      });
      const r = await runBuilt(['agent', 'run', 'Greet brAInwav through the demo connector.'], {
        CORTEX_AGENT_API: api,
      });
      expect(r.stdout).toBe(`The connector said: ${HELLO}\n`);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`^brAInwav: model fake-model at ${server.baseURL}: api=${api}`, 'm'),
      );
      expect(r.stderr).toMatch(/^brAInwav: agent mode function_tools, 1 tool\(s\)$/m);
      expect(r.stderr).toMatch(/^brAInwav: tool call demo__hello \(call_\d+_0\)$/m);
      expect(r.stderr).toMatch(/^brAInwav: run [0-9a-f-]{36} completed: 1 tool call\(s\), 30 token\(s\)$/m);
      expect(r.stderr).toMatch(/^brAInwav: tool result demo__hello \(call_\d+_0, \d+ chars\)$/m);
      expect(r.stderr).not.toContain('"name":"brAInwav"'); // tool arguments are never printed
    },
  );

  it('a model failing with 503 after its retries: branded error on stderr, exit 1', async () => {
    const server = await withModel({});
    const config = join(runs.path, 'retry-config.json');
    await writeFile(config, JSON.stringify({ retry: { maxRetries: 1, baseDelayMs: 5 } }));
    server.push({ status: 503 }, { status: 503 });
    // the probe is answered without steps (forced tool calls), so the run's two model requests get the 503s
    const r = await runBuilt(['agent', 'run', 'hello'], { CORTEX_AGENT_CONFIG: config });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^brAInwav: model "fake-model" at http:\/\/127\.0\.0\.1:\d+\/v1 failed: HTTP 503/m,
    );
  });

  it('a model that cannot call tools: read-only warning, the answer still printed', async () => {
    await withModel({ toolCalls: 'reject', defaultText: 'No tools here.' });
    const r = await runBuilt(['agent', 'run', 'hello']);
    expect([r.code, r.stdout]).toEqual([0, 'No tools here.\n']);
    expect(r.stderr).toContain('brAInwav: warning: the model cannot call tools; the agent runs read-only');
    expect(r.stderr).toMatch(/^brAInwav: agent mode read_only, 0 tool\(s\)$/m);
  });

  it('usage errors exit 64', async () => {
    expect((await runBuilt(['agent'])).code).toBe(64);
    expect((await runBuilt(['agent', 'run'])).code).toBe(64);
    expect((await runBuilt(['agent', 'fly'])).stderr).toMatch(/^brAInwav: agent: unknown subcommand "fly"/);
  });
});

describe('approval across a process restart (built CLI)', () => {
  it('agent run stops for approval and exits; agent resume in a new process approves and answers', async () => {
    await withModel({
      steps: [{ toolCalls: [{ name: 'demo__hello', arguments: { name: 'brAInwav' }, id: 'call_gate' }] }],
      respond: (r) => (JSON.stringify(r.body).includes(HELLO) ? { text: `Approved: ${HELLO}` } : undefined),
    });
    const env = { CORTEX_AGENT_FALLBACK: JSON.stringify({ connectors: { demo: { policy: 'approval' } } }) };
    const first = await runBuilt(['agent', 'run', 'Greet brAInwav.', '--run-id', 'restart-1'], env);
    expect([first.code, first.stdout]).toEqual([0, '']);
    expect(first.stderr).toContain(
      'brAInwav: run restart-1 waits for approval of call call_gate (tool demo__hello)',
    );
    expect(first.stderr).not.toMatch(/tool result demo__hello/); // nothing was called before the approval
    const second = await runBuilt(['agent', 'resume', 'restart-1', '--approve', 'call_gate'], env);
    expect(second.stdout).toBe(`Approved: ${HELLO}\n`);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^brAInwav: call call_gate approved$/m);
    expect(second.stderr).toMatch(/^brAInwav: tool result demo__hello \(call_gate, \d+ chars\)$/m);
  });
});

describe('agent probe (built CLI)', () => {
  it('prints the probe; --json; FORCE_CHAT_COMPLETIONS=true', async () => {
    const server = await withModel({ responses: false });
    const text = await runBuilt(['agent', 'probe']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')).toEqual([
      `brAInwav: model fake-model at ${server.baseURL}: api=chat_completions tools=yes streaming=yes`,
      '  responses: supported=false tools=false (HTTP 404: 404 Not Found)',
      '  chat_completions: supported=true tools=true',
      '',
    ]);
    await server.close();
    model = undefined;
    await withModel({});
    const json = await runBuilt(['agent', 'probe', '--json'], { FORCE_CHAT_COMPLETIONS: 'true' });
    const parsed = JSON.parse(json.stdout) as { cached: boolean; probe: Record<string, unknown> };
    expect(parsed).toMatchObject({
      cached: false,
      probe: { brand: 'brAInwav', api: 'chat_completions', forced: true, toolCalls: true, streaming: true },
    });
  });

  it('an unreachable model server exits 1 with a branded error', async () => {
    const r = await runBuilt(['agent', 'probe'], { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brAInwav: model "fake-model" at http:\/\/127\.0\.0\.1:9\/v1 answers neither/m);
  });
});
