// A ChatGPT-style host: defines `window.openai` (theme, toolOutput, widgetState, callTool, setWidgetState) before
// the widget's own script runs in the same page, the way ChatGPT injects it into the widget's frame. `callTool`
// answers from the scripted state the test changes with `window.__host.setState`.
import { createScriptedHost, embeddedState, type HostCall } from './scripted.js';

const host = createScriptedHost(embeddedState());
const openai = {
  theme: 'dark' as const,
  toolOutput: host.answer({ name: 'connectors_dashboard' }).structuredContent,
  widgetState: null as unknown,
  callTool: (name: string, args: Record<string, unknown>) => {
    const params: HostCall = { name, arguments: args };
    host.calls.push(params);
    // ChatGPT answers asynchronously (a round trip through its backend)
    return new Promise((resolve) => setTimeout(() => resolve(host.answer(params)), 20));
  },
  setWidgetState: (state: unknown) => void (openai.widgetState = state),
};
Object.assign(window, { openai, __host: { calls: host.calls, setState: host.setState, ready: true } });
