// HAProxy configuration of the local cluster: one frontend per service, round-robin, no stickiness, /readyz checks.

/**
 * The haproxy.cfg text for `services`: [{ name, port, backends: [port, …] }] (`options.threads`: nbthread). Health checks send HTTP/1.1 with a
 * Host the servers' DNS-rebinding guard accepts (HAProxy's default check sends none and would get 403).
 */
export function haproxyConfig(services, options = {}) {
  const lines = [
    'global',
    '  maxconn 4096',
    ...(options.threads ? [`  nbthread ${options.threads}`] : []),
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
