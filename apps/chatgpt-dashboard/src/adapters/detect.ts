import type { OpenAiBridge } from './openai.js';

/** The three hosts the widget runs in. */
export type HostKind = 'mcp-apps' | 'chatgpt' | 'browser';

/**
 * Detects the host at start-up: ChatGPT injects `window.openai`; an MCP Apps host renders the widget in a
 * (sandboxed) iframe; anything else is the plain page served by the connectors server.
 */
export function detectHost(win: Window & { openai?: OpenAiBridge }): HostKind {
  if (win.openai && typeof win.openai.callTool === 'function') return 'chatgpt';
  let framed: boolean;
  try {
    framed = win.parent !== win;
  } catch {
    framed = true;
  }
  return framed ? 'mcp-apps' : 'browser';
}
