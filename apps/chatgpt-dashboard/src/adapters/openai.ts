import { abortable, toDashboardError } from '../lib/errors.js';
import { parseDashboardData } from '../lib/parse.js';
import type { DashboardEvent, HostAdapter, Theme, WidgetState } from '../types.js';

const isState = (value: unknown): value is WidgetState => typeof value === 'object' && value !== null;
import {
  DASHBOARD_TOOL,
  dashboardFromToolResult,
  gatewayToolName,
  normaliseToolResult,
} from './toolResult.js';

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

/**
 * Adapter for ChatGPT Apps: initial data from `window.openai.toolOutput`, refreshes and "Try it" through
 * `window.openai.callTool`, theme and new tool output from the `openai:set_globals` event, and the "Try it"
 * selection persisted as `widgetState`.
 * @param openai - the host bridge (`window.openai`).
 * @param target - where `openai:set_globals` is dispatched (the window).
 */
export function createOpenAiAdapter(openai: OpenAiBridge, target: EventTarget = window): HostAdapter {
  return {
    kind: 'chatgpt',
    getInitialData: () => {
      const event = snapshotFrom(openai.toolOutput);
      return Promise.resolve(event?.type === 'snapshot' ? event.data : null);
    },
    refresh: async (signal) => {
      const result = await abortable(openai.callTool(DASHBOARD_TOOL, {}), signal);
      return dashboardFromToolResult(normaliseToolResult(result));
    },
    callTool: async (connectorId, tool, args, signal) => {
      try {
        return normaliseToolResult(
          await abortable(openai.callTool(gatewayToolName(connectorId, tool), args), signal),
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
        const snapshot = 'toolOutput' in globals ? snapshotFrom(globals.toolOutput) : null;
        if (snapshot) onEvent(snapshot);
      };
      target.addEventListener('openai:set_globals', listener);
      return () => target.removeEventListener('openai:set_globals', listener);
    },
    theme: () => (openai.theme === 'dark' || openai.theme === 'light' ? openai.theme : undefined),
    loadState: () => (isState(openai.widgetState) ? openai.widgetState : null),
    saveState: (state) => void openai.setWidgetState?.(state),
  };
}
