// A minimal MCP Apps host page: renders the widget's single-file resource in a sandboxed iframe and plays the
// host side through ext-apps' AppBridge (tool input + result, host context theme, tools/call answers from the
// scripted state the test changes with `window.__host.setState`).
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import { createScriptedHost, embeddedState, type HostCall } from './scripted.js';

const host = createScriptedHost(embeddedState());

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
    host.calls.push(params);
    return Promise.resolve(host.answer(params as HostCall));
  };
  bridge.oninitialized = () => {
    void bridge
      .sendToolInput({ arguments: {} })
      .then(() => bridge.sendToolResult(host.answer({ name: 'connectors_dashboard' })));
  };
  const target = iframe.contentWindow;
  if (!target) throw new Error('brAInwav: iframe has no window');
  await bridge.connect(new PostMessageTransport(target, target));
  Object.assign(window, { __host: { calls: host.calls, setState: host.setState, bridge, ready: true } });
}

void start();
