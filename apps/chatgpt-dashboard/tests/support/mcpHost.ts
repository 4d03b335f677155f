import { InMemoryTransport } from '@modelcontextprotocol/client';
import { AppBridge } from '@modelcontextprotocol/ext-apps/app-bridge';
import { createMcpAppsAdapter, type McpAppsAdapterOptions } from '../../src/adapters/mcpApps.js';
import type { DashboardData, HostAdapter, TrafficSource } from '../../src/types.js';

type CallParams = { name: string; arguments?: Record<string, unknown> };
type CallResult = {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

/** An in-memory MCP Apps host: a real ext-apps `AppBridge` linked to the widget's `App`. */
export interface TestMcpHost {
  adapter: HostAdapter & TrafficSource;
  bridge: AppBridge;
  /** Every `tools/call` the widget sent through the bridge, with the request's abort signal. */
  calls: Array<{ params: CallParams; signal: AbortSignal | undefined }>;
  close(): Promise<void>;
}

/**
 * Starts a host that answers the widget's `tools/call` with `onCall`, delivers `initial` (if any) as the
 * tool result after the handshake, and reports theme `dark` in its host context. `adapterOptions` (poll interval,
 * backoff) go to the widget's adapter.
 */
export async function startTestMcpHost(options: {
  initial: DashboardData | null;
  onCall: (params: CallParams) => Promise<CallResult>;
  initialResultTimeoutMs?: number;
  adapterOptions?: McpAppsAdapterOptions;
}): Promise<TestMcpHost> {
  const [hostTransport, appTransport] = InMemoryTransport.createLinkedPair();
  const bridge = new AppBridge(
    null,
    { name: 'brAInwav test host', version: '1.0.0' },
    { serverTools: {} },
    { hostContext: { theme: 'dark' } },
  );
  const calls: TestMcpHost['calls'] = [];
  bridge.oncalltool = async (params, extra) => {
    const context = extra as unknown as { mcpReq?: { signal?: AbortSignal }; signal?: AbortSignal };
    calls.push({ params, signal: context.mcpReq?.signal ?? context.signal });
    return options.onCall(params);
  };
  bridge.oninitialized = () => {
    void (async () => {
      await bridge.sendToolInput({ arguments: {} });
      if (options.initial)
        await bridge.sendToolResult({
          content: [{ type: 'text', text: 'dashboard' }],
          structuredContent: { ...options.initial },
        });
    })();
  };
  await bridge.connect(hostTransport);
  const adapter = await createMcpAppsAdapter({
    ...options.adapterOptions,
    transport: appTransport,
    autoResize: false,
    initialResultTimeoutMs: options.initialResultTimeoutMs ?? 2000,
  });
  return {
    adapter,
    bridge,
    calls,
    close: async () => {
      await bridge.close();
    },
  };
}
