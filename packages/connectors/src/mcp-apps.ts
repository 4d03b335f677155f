import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import { RESOURCE_MIME_TYPE, registerAppResource, registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import { z } from 'zod';
import type { ConnectorsSnapshot } from './snapshot.js';

/** MCP Apps resource of the dashboard (`text/html;profile=mcp-app`). */
export const DASHBOARD_RESOURCE_URI = 'ui://connectors/dashboard.html';
/** ChatGPT Apps (Skybridge) form of the same HTML (`text/html+skybridge`), the tool's `openai/outputTemplate`. */
export const DASHBOARD_SKYBRIDGE_URI = 'ui://connectors/dashboard.skybridge.html';
/** MIME type ChatGPT reads for widget templates. */
export const SKYBRIDGE_MIME_TYPE = 'text/html+skybridge';
/** Name of the dashboard tool. */
export const DASHBOARD_TOOL = 'connectors_dashboard';
/** `serverInfo` of the MCP Apps endpoint. */
export const APPS_SERVER_INFO = { name: 'brainwav-connectors-apps', version: '0.1.0' } as const;

/** What the dashboard MCP server reads. */
export interface DashboardSource {
  /** Current `GET /v1/connectors` body (rejects when no verified map is loaded). */
  snapshot(): Promise<ConnectorsSnapshot>;
  /** The single-file widget HTML (`dist/mcp-app.html`), or a troubleshooting page when it is missing/stale. */
  html(): Promise<string>;
}

const TOOL_META = {
  ui: { resourceUri: DASHBOARD_RESOURCE_URI },
  'openai/outputTemplate': DASHBOARD_SKYBRIDGE_URI,
  'openai/toolInvocation/invoking': 'Checking brAInwav connectors…',
  'openai/toolInvocation/invoked': 'brAInwav connectors status ready',
  'openai/widgetAccessible': true,
} as const;

const CSP = { connectDomains: [] as string[], resourceDomains: [] as string[] };

function summary(s: ConnectorsSnapshot): string {
  const counts = new Map<string, number>();
  for (const c of s.connectors) counts.set(c.availability, (counts.get(c.availability) ?? 0) + 1);
  const parts = [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
  return `brAInwav: ${s.connectors.length} connectors in map v${s.mapVersion} (manifest ${s.manifestVersion}): ${parts || 'none'}.`;
}

async function dashboardResult(source: DashboardSource): Promise<CallToolResult> {
  try {
    const snapshot = await source.snapshot();
    return {
      content: [{ type: 'text', text: summary(snapshot) }],
      structuredContent: snapshot as unknown as Record<string, unknown>,
      _meta: { ...TOOL_META },
    };
  } catch (err) {
    return { content: [{ type: 'text', text: (err as Error).message }], isError: true, _meta: { ...TOOL_META } };
  }
}

/**
 * Builds the MCP server of the dashboard app: tool `connectors_dashboard` (result: the connector statuses as
 * `structuredContent`, `_meta.ui.resourceUri` and `openai/outputTemplate`) and the widget HTML as the MCP Apps
 * resource `ui://connectors/dashboard.html` plus its Skybridge form for ChatGPT. One server per session/request.
 */
export function createDashboardMcpServer(source: DashboardSource): McpServer {
  const server = new McpServer(APPS_SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    instructions: 'brAInwav connectors dashboard: call connectors_dashboard to show connector health.',
  });
  registerAppTool(
    server,
    DASHBOARD_TOOL,
    {
      title: 'brAInwav connectors dashboard',
      description: 'Shows every brAInwav connector of the verified service map with availability, breaker, quota use and tools.',
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      _meta: { ...TOOL_META },
    },
    () => dashboardResult(source),
  );
  registerAppResource(
    server,
    'connectors-dashboard',
    DASHBOARD_RESOURCE_URI,
    { title: 'brAInwav connectors dashboard', description: 'MCP Apps view of the brAInwav connectors health.', _meta: { ui: { csp: CSP, prefersBorder: true } } },
    async () => ({ contents: [{ uri: DASHBOARD_RESOURCE_URI, mimeType: RESOURCE_MIME_TYPE, text: await source.html(), _meta: { ui: { csp: CSP, prefersBorder: true } } }] }),
  );
  server.registerResource(
    'connectors-dashboard-skybridge',
    DASHBOARD_SKYBRIDGE_URI,
    { title: 'brAInwav connectors dashboard (ChatGPT)', description: 'ChatGPT Apps (Skybridge) form of the dashboard.', mimeType: SKYBRIDGE_MIME_TYPE },
    async () => ({
      contents: [{
        uri: DASHBOARD_SKYBRIDGE_URI, mimeType: SKYBRIDGE_MIME_TYPE, text: await source.html(),
        _meta: { 'openai/widgetPrefersBorder': true, 'openai/widgetDescription': 'brAInwav connectors health', 'openai/widgetCSP': { connect_domains: [], resource_domains: [] } },
      }],
    }),
  );
  return server;
}
