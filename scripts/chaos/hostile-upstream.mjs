#!/usr/bin/env node
// A hostile MCP upstream for the chaos suite (Streamable HTTP, plain node:http, no SDK): it initializes and
// lists its tools like any server, then answers tools/call badly on purpose:
//   huge        a 50 MiB JSON result (HOSTILE_HUGE_MIB)
//   endless     an SSE event whose data line never ends (bounded here: HOSTILE_ENDLESS_MAX_S seconds)
//   invalid     an application/json body that is not JSON
//   wrong-id    a well-formed result carrying another request's id
//   ok          a normal answer (the control)
// Env: HOSTILE_PORT (0 = free port, printed as "listening on <port>").
import { createServer } from 'node:http';

const port = Number(process.env.HOSTILE_PORT ?? 0);
const hugeBytes = Number(process.env.HOSTILE_HUGE_MIB ?? 50) * 1024 * 1024;
const endlessMaxMs = Number(process.env.HOSTILE_ENDLESS_MAX_S ?? 20) * 1000;
const TOOLS = ['huge', 'endless', 'invalid', 'wrong-id', 'ok'].map((name) => ({
  name,
  description: `brAInwav chaos: ${name}`,
  inputSchema: { type: 'object', properties: {} },
}));

const json = (res, status, body, headers = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

function huge(res, id) {
  const head = Buffer.from(
    `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":"`,
  );
  const tail = Buffer.from('"}]}}');
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  const chunks = Math.ceil(hugeBytes / chunk.length);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': head.length + chunks * chunk.length + tail.length,
  });
  res.write(head);
  let sent = 0;
  const pump = () => {
    while (sent < chunks) {
      sent += 1;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end(tail);
  };
  res.on('close', () => (sent = chunks + 1));
  pump();
}

function endless(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write('event: message\ndata: {"jsonrpc":"2.0","result":{"content":[{"type":"text","text":"');
  const chunk = Buffer.alloc(64 * 1024, 'y');
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started > endlessMaxMs) {
      clearInterval(timer);
      res.destroy(); // the chaos run stays bounded even against a client without any cap
      return;
    }
    res.write(chunk);
  }, 5);
  res.on('close', () => clearInterval(timer));
}

function call(res, id, name) {
  switch (name) {
    case 'huge':
      return huge(res, id);
    case 'endless':
      return endless(res);
    case 'invalid':
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":"unterminated`,
      );
    case 'wrong-id':
      return json(res, 200, {
        jsonrpc: '2.0',
        id: typeof id === 'number' ? id + 1_000_000 : `${id}-other`,
        result: { content: [{ type: 'text', text: 'not yours' }] },
      });
    default:
      return json(res, 200, { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'ok' }] } });
  }
}

function answer(req, res, message) {
  const { id, method, params } = message ?? {};
  if (id === undefined) return res.writeHead(202).end();
  if (method === 'initialize') {
    return json(
      res,
      200,
      {
        jsonrpc: '2.0',
        id,
        result: {
          protocolVersion: params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'brainwav-chaos-hostile', version: '0.1.0' },
        },
      },
      { 'mcp-session-id': `hostile-${Date.now()}` },
    );
  }
  if (method === 'tools/list') return json(res, 200, { jsonrpc: '2.0', id, result: { tools: TOOLS } });
  if (method === 'tools/call') return call(res, id, params?.name);
  if (method === 'ping') return json(res, 200, { jsonrpc: '2.0', id, result: {} });
  return json(res, 200, { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
}

const server = createServer((req, res) => {
  if (req.method === 'DELETE') return res.writeHead(200).end();
  if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST, DELETE' }).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    answer(req, res, message);
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${server.address().port}\n`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
