import type { AggregateExtension, ExtensionCallContext } from '../../src/index.js';

/** URI of the panel extension's UI resource. */
export const UI_URI = 'ui://test/panel.html';

/** A test extension: `show_panel` (records its context), `broken_panel` (rejects) and a UI resource. */
export function panelExtension(seen: ExtensionCallContext[]): AggregateExtension {
  return {
    tools: [
      {
        definition: {
          name: 'show_panel',
          description: 'Shows the panel',
          inputSchema: { type: 'object', properties: {} },
          _meta: { ui: { resourceUri: UI_URI } },
        },
        call: (args, context) => {
          seen.push(context);
          return Promise.resolve({
            content: [{ type: 'text', text: `panel ${JSON.stringify(args ?? {})}` }],
            structuredContent: { ok: true },
          });
        },
      },
      {
        definition: { name: 'broken_panel', inputSchema: { type: 'object', properties: {} } },
        call: () => Promise.reject(new Error('brAInwav: panel store unavailable')),
      },
    ],
    resources: [
      {
        resource: {
          uri: UI_URI,
          name: 'panel',
          mimeType: 'text/html;profile=mcp-app',
          _meta: { ui: { prefersBorder: true } },
        },
        read: () =>
          Promise.resolve({
            contents: [{ uri: UI_URI, mimeType: 'text/html;profile=mcp-app', text: '<p>brAInwav panel</p>' }],
          }),
      },
    ],
  };
}
