// A minimal MCP Apps host page: renders the widget's single-file resource in a sandboxed iframe and plays the
// host side through ext-apps' AppBridge (tool input + result, host context theme, tools/call answers).
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

type CallParams = { name: string; arguments?: Record<string, unknown> };

const data = JSON.parse(document.getElementById('host-data')?.textContent ?? 'null') as Record<
  string,
  unknown
>;
const calls: CallParams[] = [];

function answer(params: CallParams): {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
} {
  if (params.name === 'connectors_dashboard')
    return { content: [{ type: 'text', text: 'dashboard' }], structuredContent: data };
  if (params.name.endsWith('__echo'))
    return { content: [{ type: 'text', text: `echo via host: ${String(params.arguments?.message)}` }] };
  return { content: [{ type: 'text', text: `brAInwav: unknown tool ${params.name}` }], isError: true };
}

async function start(): Promise<void> {
  const iframe = document.createElement('iframe');
  iframe.title = 'brAInwav connectors widget';
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.cssText = 'width:100%;height:1400px;border:0';
  iframe.src = '/mcp-app.html';
  document.body.append(iframe);
  const bridge = new AppBridge(
    null,
    { name: 'brAInwav e2e host', version: '1.0.0' },
    { serverTools: {} },
    { hostContext: { theme: 'dark' } },
  );
  bridge.oncalltool = (params) => {
    calls.push(params);
    return Promise.resolve(answer(params as CallParams));
  };
  bridge.oninitialized = () => {
    void bridge
      .sendToolInput({ arguments: {} })
      .then(() => bridge.sendToolResult(answer({ name: 'connectors_dashboard' })));
  };
  const target = iframe.contentWindow;
  if (!target) throw new Error('brAInwav: iframe has no window');
  await bridge.connect(new PostMessageTransport(target, target));
  Object.assign(window, { __host: { calls, bridge, ready: true } });
}

void start();
