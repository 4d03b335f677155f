/**
 * Child process of the restart test: builds the agent (registry from the map server, the `counter` connector's
 * tools, `approval` fallback, the test's OpenAI-compatible model server over Chat Completions) and either starts a run up to its approval interruption and dies (SIGKILL, no
 * cleanup), or resumes the run from the checkpoint with an approval and exits.
 * Env: MAP_URL, MODEL_URL, RUNS_DIR, RUN_ID, PHASE (`start` | `resume`), CALL_ID. Prints the outcome as JSON on stdout.
 */
import { writeSync } from 'node:fs';
import { createSilentLogger } from '@cortex-os/telemetry';
import { OpenAIChatCompletionsModel } from '@openai/agents';
import OpenAI from 'openai';
import {
  createConnectorsRegistry,
  createExecutionSurfaceAgent,
  fileCheckpointStore,
  resumeRun,
  startRun,
} from '../../src/index.js';
import { API_KEY, SECRET_A } from '../helpers.js';
import { plainProxy } from '../stack.js';
import { NO_TRACING } from './helpers.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`brAInwav: approval-child needs ${name}`);
  return v;
};

const phase = env('PHASE');
const callId = env('CALL_ID');
const registry = createConnectorsRegistry({
  url: env('MAP_URL'),
  apiKey: API_KEY,
  keys: [{ alg: 'HS256', secret: SECRET_A }],
  logger: createSilentLogger('test'),
  proxyFactory: plainProxy,
});
await registry.ready();
const client = new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: env('MODEL_URL'), maxRetries: 0 });
const model = new OpenAIChatCompletionsModel(client, 'fake-model');
const agent = await createExecutionSurfaceAgent({
  registry,
  instructions: 'Use the brAInwav connectors.',
  model,
  fallback: { default: { policy: 'approval' } },
});
const store = fileCheckpointStore(env('RUNS_DIR'));
const runId = env('RUN_ID');
const outcome =
  phase === 'start'
    ? await startRun(agent, 'increment the counter', { store, runId, ...NO_TRACING })
    : await resumeRun(runId, [{ callId, decision: 'approve' }], { agent, store, ...NO_TRACING });
writeSync(1, `${JSON.stringify(outcome)}\n`);
if (phase === 'start') process.kill(process.pid, 'SIGKILL');
await registry.close();
