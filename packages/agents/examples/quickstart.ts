import { parseKeySetJson } from '@cortex-os/connectors-manifest';
import { run } from '@openai/agents';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { createConnectorsRegistry, createExecutionSurfaceAgent } from '@cortex-os/agents';

/**
 * Fetches the verified map from asbr, builds the agent and calls the demo `everything` connector's `echo`
 * (or `QUICKSTART_TOOL` with the JSON arguments `QUICKSTART_ARGS`, e.g. `memory__read_graph`: a stdio connector,
 * reached through the gateway with `MCP_API_KEY`).
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tool = env.QUICKSTART_TOOL ?? 'everything__echo';
  const args = JSON.parse(env.QUICKSTART_ARGS ?? '{"message":"hello from brAInwav"}') as Record<
    string,
    unknown
  >;
  const registry = createConnectorsRegistry({
    url: env.ASBR_URL ?? 'http://127.0.0.1:7070',
    apiKey: env.CONNECTORS_API_KEY,
    ...(env.MCP_API_KEY ? { gatewayApiKey: env.MCP_API_KEY } : {}),
    // verify-only keys when published (EdDSA), else the local stack's HS256 key from .env.local
    keys: env.CONNECTORS_VERIFY_KEYS
      ? parseKeySetJson(env.CONNECTORS_VERIFY_KEYS)
      : [{ alg: 'HS256', secret: env.CONNECTORS_SIGNATURE_KEY ?? '' }],
  });
  try {
    await registry.ready(); // fetch + verify + hydrate (proxies are lazy)
    const model = new ScriptedModel([
      [functionCall(tool, args, { callId: 'call-1' })],
      modelResponder(({ request }) => {
        const fed = [...(request.input as { type?: string; output?: { text?: string } }[])].reverse();
        const output = fed.find((i) => i.type === 'function_call_result')?.output?.text;
        return [assistantMessage(`Answer: ${output}`)];
      }),
    ]);
    const agent = await createExecutionSurfaceAgent({
      registry,
      instructions: 'Use the connectors.',
      model,
      allowedSurfaces: [tool.split('__')[0]!],
    });
    const result = await run(agent, 'Say hello through the demo connector.');
    return result.finalOutput ?? '';
  } finally {
    await registry.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1])) {
  main().then(
    (answer) => process.stdout.write(`${answer}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
