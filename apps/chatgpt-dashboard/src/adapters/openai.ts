import { abortable, toDashboardError } from '../lib/errors.js';
import { parseDashboardData } from '../lib/parse.js';
import type {
  DashboardData,
  DashboardEvent,
  HostAdapter,
  Theme,
  TrafficSource,
  WidgetState,
} from '../types.js';
import { pollTraffic, windowArgument, type PollOptions } from './poll.js';
import {
  DASHBOARD_TOOL,
  dashboardFromToolResult,
  gatewayToolName,
  normaliseToolResult,
} from './toolResult.js';

const isState = (value: unknown): value is WidgetState => typeof value === 'object' && value !== null;

/** The subset of ChatGPT's `window.openai` bridge the widget uses. */
export interface OpenAiBridge {
  theme?: Theme;
  toolOutput?: unknown;
  widgetState?: unknown;
  callTool(name: string, args: Record<string, unknown>): Promise<unknown>;
  setWidgetState?(state: unknown): Promise<void> | void;
}

/** Detail of the `openai:set_globals` window event. */
interface SetGlobalsDetail {
  globals?: Partial<Pick<OpenAiBridge, 'theme' | 'toolOutput' | 'widgetState'>>;
}

function snapshotFrom(output: unknown): DashboardEvent | null {
  if (output === null || output === undefined) return null;
  try {
    return { type: 'snapshot', data: parseDashboardData(output) };
  } catch {
    return null;
  }
}

/** Options of the ChatGPT adapter: how it polls `connectors_dashboard` for live data. */
export type OpenAiAdapterOptions = PollOptions;

/**
 * Adapter for ChatGPT Apps: initial data from `window.openai.toolOutput`, refreshes and "Try it" through
 * `window.openai.callTool`, theme and new tool output from the `openai:set_globals` event, and the "Try it"
 * selection persisted as `widgetState`. Live data: while the traffic panel is shown it polls
 * `callTool('connectors_dashboard', { window })` (every 5 s by default, paused while the page is hidden, see
 * {@link pollTraffic}) and pushes each body as a `snapshot`.
 * @param openai - the host bridge (`window.openai`).
 * @param target - where `openai:set_globals` is dispatched (the window).
 * @param options - poll interval and backoff.
 */
export function createOpenAiAdapter(
  openai: OpenAiBridge,
  target: EventTarget = window,
  options: OpenAiAdapterOptions = {},
): HostAdapter & TrafficSource {
  const listeners = new Set<(event: DashboardEvent) => void>();
  const emit = (event: DashboardEvent): void => listeners.forEach((listener) => listener(event));
  const fetchDashboard = async (
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<DashboardData> => {
    const result = await abortable(Promise.resolve(openai.callTool(DASHBOARD_TOOL, args)), signal);
    return dashboardFromToolResult(normaliseToolResult(result));
  };
  const polled = pollTraffic(
    (windowMinutes, signal) => fetchDashboard({ window: windowArgument(windowMinutes) }, signal),
    emit,
    options,
  );
  const delivered = (output: unknown): DashboardEvent | null => {
    const event = snapshotFrom(output);
    if (event?.type === 'snapshot') polled.remember(event.data);
    return event;
  };
  return {
    kind: 'chatgpt',
    getInitialData: () => {
      const event = delivered(openai.toolOutput);
      return Promise.resolve(event?.type === 'snapshot' ? event.data : null);
    },
    refresh: async (signal) => {
      const data = await fetchDashboard({}, signal);
      polled.remember(data);
      return data;
    },
    callTool: async (connectorId, tool, args, signal) => {
      try {
        return normaliseToolResult(
          await abortable(Promise.resolve(openai.callTool(gatewayToolName(connectorId, tool), args)), signal),
        );
      } catch (error) {
        throw toDashboardError(error, 'TOOL');
      }
    },
    subscribe: (onEvent) => {
      const listener = (event: Event): void => {
        const globals = (event as CustomEvent<SetGlobalsDetail>).detail?.globals ?? {};
        if (globals.theme === 'light' || globals.theme === 'dark')
          onEvent({ type: 'theme', theme: globals.theme });
        const snapshot = 'toolOutput' in globals ? delivered(globals.toolOutput) : null;
        if (snapshot) onEvent(snapshot);
      };
      listeners.add(onEvent);
      target.addEventListener('openai:set_globals', listener);
      return () => {
        listeners.delete(onEvent);
        target.removeEventListener('openai:set_globals', listener);
      };
    },
    traffic: (windowMinutes, onReport) => polled.traffic(windowMinutes, onReport),
    theme: () => (openai.theme === 'dark' || openai.theme === 'light' ? openai.theme : undefined),
    loadState: () => (isState(openai.widgetState) ? openai.widgetState : null),
    saveState: (state) => void openai.setWidgetState?.(state),
  };
}
