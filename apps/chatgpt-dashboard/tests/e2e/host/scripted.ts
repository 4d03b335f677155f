// What both test hosts (MCP Apps AppBridge page, ChatGPT-style window.openai page) answer: one mutable state the
// test changes with `window.__host.setState`, so the widget must pick the change up by polling, without reload.
import { dashboardAnswer } from '../../support/fixtures.js';

/** The host's data: the statuses, and how many calls on the first connector came on top of the fixture traffic. */
export interface HostState {
  data: Parameters<typeof dashboardAnswer>[0];
  extraCalls: number;
}

/** One `tools/call` the widget sent. */
export interface HostCall {
  name: string;
  arguments?: Record<string, unknown>;
}

/** A tool result as both hosts hand it to the widget. */
export interface HostResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** The scripted host: every call recorded, answers from the current state. */
export interface ScriptedHost {
  calls: HostCall[];
  answer(params: HostCall): HostResult;
  setState(next: HostState): void;
}

/** Reads the state the page server embedded (`<script id="host-data" type="application/json">`). */
export function embeddedState(): HostState {
  return JSON.parse(document.getElementById('host-data')?.textContent ?? 'null') as HostState;
}

/**
 * `connectors_dashboard` `{ window }` answers like the connectors server (statuses + traffic of that window, a
 * branded error for an unknown window); `<id>__echo` echoes; anything else is an unknown tool.
 */
export function createScriptedHost(initial: HostState): ScriptedHost {
  let state = initial;
  const calls: HostCall[] = [];
  return {
    calls,
    setState: (next) => void (state = next),
    answer: (params) => {
      if (params.name === 'connectors_dashboard') {
        const window = params.arguments?.window;
        const body = dashboardAnswer(state.data, window, state.extraCalls);
        if (!body)
          return {
            content: [
              { type: 'text', text: `brAInwav: connectors_dashboard argument "window" is ${String(window)}` },
            ],
            isError: true,
          };
        return {
          content: [{ type: 'text', text: 'dashboard' }],
          structuredContent: body as unknown as Record<string, unknown>,
        };
      }
      if (params.name.endsWith('__echo'))
        return { content: [{ type: 'text', text: `echo via host: ${String(params.arguments?.message)}` }] };
      return { content: [{ type: 'text', text: `brAInwav: unknown tool ${params.name}` }], isError: true };
    },
  };
}
