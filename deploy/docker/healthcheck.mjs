#!/usr/bin/env node
// brAInwav container health check (the image's HEALTHCHECK): GET /healthz of the server this container runs,
// the connectors server on CONNECTORS_PORT (7071) or asbr on ASBR_PORT (7070), with a loopback Host the
// DNS-rebinding guard accepts. Exit 0 when one answers 200 `{ "status": "ok" }`, else 1. No shell, no curl.
const TIMEOUT_MS = 3_000;
const ports = [process.env.CONNECTORS_PORT || '7071', process.env.ASBR_PORT || '7070'];

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = await res.json().catch(() => ({}));
    return res.status === 200 && body.status === 'ok';
  } catch {
    return false;
  }
}

for (const port of ports) {
  if (await healthy(port)) {
    process.stdout.write(`brAInwav: healthy on port ${port}\n`);
    process.exit(0);
  }
}
process.stderr.write(`brAInwav: unhealthy: no /healthz answered 200 on port ${ports.join(' or ')}\n`);
process.exit(1);
