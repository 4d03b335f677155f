import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, tool, Usage, type Model } from '@openai/agents';
import { z } from 'zod';
import { fileCheckpointStore, type CheckpointStore, type RuntimeAuditRecord } from '../../src/index.js';

/** Credentials in the formats the guardrails detect (fake, well-formed). */
export const FAKE = {
  openai: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  github: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
  slack: 'xoxb-123456789012-abcdefghijklmnop',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1',
  pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----',
} as const;

/** A temporary runs directory and its file store. */
export interface TempStore {
  readonly dir: string;
  readonly store: CheckpointStore;
  remove(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = await mkdtemp(join(tmpdir(), 'brainwav-runs-'));
  return { dir, store: fileCheckpointStore(dir), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What the local tools of {@link localAgent} did. */
export interface ToolCalls {
  readonly transfer: string[];
  readonly lookup: string[];
}

/**
 * An SDK agent with local function tools: `transfer` (needs approval), `lookup` (answers `answers[key]` or
 * `value of <key>`), `wait` (resolves after `ms` or on abort).
 */
export function localAgent(
  model: Model,
  answers: Record<string, string> = {},
): { agent: Agent; calls: ToolCalls } {
  const calls: ToolCalls = { transfer: [], lookup: [] };
  const transfer = tool({
    name: 'transfer',
    description: 'Moves money (needs a human approval).',
    parameters: z.object({ amount: z.number() }),
    needsApproval: true,
    execute: ({ amount }) => {
      calls.transfer.push(String(amount));
      return `transferred ${amount}`;
    },
  });
  const lookup = tool({
    name: 'lookup',
    description: 'Looks a key up.',
    parameters: z.object({ key: z.string() }),
    execute: ({ key }) => {
      calls.lookup.push(key);
      return answers[key] ?? `value of ${key}`;
    },
  });
  const wait = tool({
    name: 'wait',
    description: 'Waits.',
    parameters: z.object({ ms: z.number() }),
    execute: ({ ms }, _ctx, details) =>
      new Promise<string>((resolve) => {
        const t = setTimeout(() => resolve('waited'), ms);
        details?.signal?.addEventListener('abort', () => (clearTimeout(t), resolve('aborted')), {
          once: true,
        });
      }),
  });
  return {
    agent: new Agent({
      name: 'brAInwav test agent',
      instructions: 'test',
      model,
      tools: [transfer, lookup, wait],
    }),
    calls,
  };
}

/** A model usage of `total` tokens (half input, half output). */
export function usage(total: number): Usage {
  const input = Math.floor(total / 2);
  return new Usage({ requests: 1, inputTokens: input, outputTokens: total - input, totalTokens: total });
}

/** Parsed lines of a run log. */
export async function logOf(store: CheckpointStore, runId: string): Promise<Record<string, unknown>[]> {
  return (await store.log(runId)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Types of the log entries, in order. */
export async function logTypes(store: CheckpointStore, runId: string): Promise<string[]> {
  return (await logOf(store, runId)).map((e) => String(e.type));
}

/** An audit sink keeping records. */
export function auditSink(): { records: RuntimeAuditRecord[]; write: (r: RuntimeAuditRecord) => void } {
  const records: RuntimeAuditRecord[] = [];
  return { records, write: (r) => void records.push(r) };
}

/** Run options that keep the SDK's tracing off (no exporter in tests). */
export const NO_TRACING = { runConfig: { tracingDisabled: true } } as const;
