import { App, PostMessageTransport } from '@modelcontextprotocol/ext-apps';
import { DashboardError, isAbortError, toDashboardError } from '../lib/errors.js';
import type { DashboardData, DashboardEvent, HostAdapter, Theme, TrafficSource } from '../types.js';
import { pollTraffic, windowArgument, type PollOptions } from './poll.js';
import {
  DASHBOARD_TOOL,
  dashboardFromToolResult,
  gatewayToolName,
  normaliseToolResult,
} from './toolResult.js';

type Transport = Parameters<App['connect']>[0];
type CallToolResult = Awaited<ReturnType<App['callServerTool']>>;

/** Options of the MCP Apps adapter (`pollIntervalMs` & co.: how it polls `connectors_dashboard` for live data). */
export interface McpAppsAdapterOptions extends PollOptions {
  /** Transport to the host; defaults to `PostMessageTransport(window.parent)`. */
  transport?: Transport;
  /** How long to wait after the handshake for the host's tool result before fetching (ms, default 1500). */
  initialResultTimeoutMs?: number;
  /** Report size changes to the host (default: when `ResizeObserver` exists). */
  autoResize?: boolean;
}

function themeOf(value: unknown): Theme | undefined {
  return value === 'dark' || value === 'light' ? value : undefined;
}

/**
 * Connects to an MCP Apps host through `@modelcontextprotocol/ext-apps` `App`, then adapts it: the tool
 * result the host delivers is the initial data, refreshes call `connectors_dashboard` with
 * `callServerTool`, "Try it" calls `<connectorId>__<tool>`, theme comes from the host context. Live data: while
 * the traffic panel is shown it polls `callServerTool('connectors_dashboard', { window })` (every 5 s by default,
 * paused while the page is hidden, see {@link pollTraffic}) and pushes each body as a `snapshot`.
 * @throws DashboardError `HOST` when the handshake fails.
 */
export async function createMcpAppsAdapter(
  options: McpAppsAdapterOptions = {},
): Promise<HostAdapter & TrafficSource> {
  const app = new App(
    { name: 'brAInwav connectors dashboard', version: '0.1.0' },
    {},
    { autoResize: options.autoResize ?? typeof ResizeObserver !== 'undefined' },
  );
  const listeners = new Set<(event: DashboardEvent) => void>();
  const emit = (event: DashboardEvent): void => listeners.forEach((listener) => listener(event));
  let latest: DashboardData | null = null;
  let firstResult: (data: DashboardData | null) => void = () => undefined;
  const firstResultPromise = new Promise<DashboardData | null>((resolve) => (firstResult = resolve));

  // a poll uses `call` (below); none starts before the panel is shown, i.e. after the handshake
  const polled = pollTraffic(
    async (windowMinutes, signal) =>
      dashboardFromToolResult(
        normaliseToolResult(await call(DASHBOARD_TOOL, { window: windowArgument(windowMinutes) }, signal)),
      ),
    emit,
    options,
  );

  app.addEventListener('toolresult', (result) => {
    try {
      latest = dashboardFromToolResult(normaliseToolResult(result));
      polled.remember(latest);
      firstResult(latest);
      emit({ type: 'snapshot', data: latest });
    } catch {
      firstResult(null);
    }
  });
  app.addEventListener('hostcontextchanged', (context) => {
    const theme = themeOf(context.theme);
    if (theme) emit({ type: 'theme', theme });
  });
  try {
    await app.connect(options.transport ?? new PostMessageTransport(window.parent, window.parent));
  } catch (error) {
    throw new DashboardError('HOST', 'the MCP Apps host did not complete the handshake', { cause: error });
  }

  async function call(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    try {
      return await app.callServerTool({ name, arguments: args }, { signal });
    } catch (error) {
      if (signal.aborted || isAbortError(error))
        throw new DashboardError('ABORTED', 'request aborted', { cause: error });
      throw toDashboardError(error);
    }
  }

  return {
    kind: 'mcp-apps',
    getInitialData: async () => {
      if (latest) return latest;
      const timeout = new Promise<null>((resolve) =>
        setTimeout(() => resolve(null), options.initialResultTimeoutMs ?? 1500),
      );
      return Promise.race([firstResultPromise, timeout]);
    },
    refresh: async (signal) => {
      const data = dashboardFromToolResult(normaliseToolResult(await call(DASHBOARD_TOOL, {}, signal)));
      polled.remember(data);
      return data;
    },
    callTool: async (connectorId, tool, args, signal) =>
      normaliseToolResult(await call(gatewayToolName(connectorId, tool), args, signal)),
    subscribe: (onEvent) => {
      listeners.add(onEvent);
      return () => listeners.delete(onEvent);
    },
    traffic: (windowMinutes, onReport) => polled.traffic(windowMinutes, onReport),
    theme: () => themeOf(app.getHostContext()?.theme),
  };
}
