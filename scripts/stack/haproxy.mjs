// HAProxy of the local cluster: its configuration (one frontend per service, round-robin, no stickiness, /readyz
// checks) and its runtime API (server states, maintenance).
import { connect } from 'node:net';

/**
 * The haproxy.cfg text for `services`: [{ name, port, backends: [port, …] }] (`options.threads`: nbthread;
 * `options.adminSocket`: path of a runtime API socket, mode 600, level admin, e.g. to drain a replica with
 * `set server connectors-replicas/connectors-2 state drain`). Health checks send HTTP/1.1 with a Host the servers'
 * DNS-rebinding guard accepts (HAProxy's default check sends none and would get 403).
 */
export function haproxyConfig(services, options = {}) {
  const lines = [
    'global',
    '  maxconn 4096',
    ...(options.threads ? [`  nbthread ${options.threads}`] : []),
    ...(options.adminSocket ? [`  stats socket ${options.adminSocket} mode 600 level admin`] : []),
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  option redispatch',
    '  retries 2',
    // only connection failures: the request never reached a replica, so a retry cannot run a call twice
    '  retry-on conn-failure',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 10s',
  ];
  for (const { name, port, backends } of services) {
    lines.push(
      `frontend ${name}`,
      `  bind 127.0.0.1:${port}`,
      `  default_backend ${name}-replicas`,
      `backend ${name}-replicas`,
      '  balance roundrobin',
      '  option httpchk',
      '  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host 127.0.0.1',
      '  http-check expect status 200',
      ...backends.map((p, i) => `  server ${name}-${i + 1} 127.0.0.1:${p} check inter 1s fall 2 rise 2`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One command of HAProxy's runtime API on `socketPath`; resolves with its answer (refusals reject). */
export function haproxyAdmin(socketPath, command) {
  return new Promise((done, fail) => {
    const socket = connect({ path: socketPath });
    let answer = '';
    socket.setTimeout(5_000, () =>
      socket.destroy(new Error(`brAInwav: HAProxy did not answer "${command}"`)),
    );
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.once('error', fail);
    socket.once('close', () =>
      /unknown|not found|require|denied/i.test(answer)
        ? fail(new Error(`brAInwav: HAProxy refused "${command}": ${answer.trim()}`))
        : done(answer),
    );
    socket.once('connect', () => socket.write(`${command}\n`));
  });
}

/**
 * The servers of `backend` (`show servers state`): name → { op: operational state (0 stopped, 2 running…),
 * maint: in maintenance (admin state bit 1) }.
 */
export async function haproxyServers(socketPath, backend) {
  const text = await haproxyAdmin(socketPath, `show servers state ${backend}`);
  const out = {};
  for (const line of text.split('\n')) {
    // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state …
    const f = line.trim().split(/\s+/);
    if (f[1] === backend && f[3]) out[f[3]] = { op: Number(f[5]), maint: (Number(f[6]) & 1) === 1 };
  }
  return out;
}
