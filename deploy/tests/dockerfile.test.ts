import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEPLOY_DIR, readRepoFile } from './lib/files.js';
import { lintDockerfile } from './lib/dockerfile-rules.js';

const dockerfile = readRepoFile('Dockerfile');
const GOOD = `FROM node:20.20.2-bookworm-slim
RUN apt-get update && apt-get install --yes tini=0.19.*
USER 1000:1000
HEALTHCHECK CMD ["node", "h.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "main.js"]
`;
const rulesOf = (text: string): string[] => lintDockerfile(text).map((f) => f.rule);

describe('the Dockerfile', () => {
  it('passes every rule', () => {
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('builds in stages and ships production dependencies only', () => {
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --prod/);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(3);
    expect(dockerfile).toMatch(/^COPY --from=prune /m);
  });

  it('the .dockerignore keeps local secrets, dependencies and builds out of the context', () => {
    const ignored = readRepoFile('.dockerignore').split('\n');
    for (const entry of ['.env', '.env.*', '**/node_modules', '**/dist', '.git'])
      expect(ignored).toContain(entry);
  });
});

describe('the rules can fail', () => {
  it('a good file passes', () => expect(rulesOf(GOOD)).toEqual([]));
  it.each([
    ['an unpinned base', GOOD.replace('node:20.20.2-bookworm-slim', 'node:20'), 'DL3006'],
    ['a latest base', GOOD.replace('node:20.20.2-bookworm-slim', 'node:latest'), 'DL3007'],
    ['no USER', GOOD.replace('USER 1000:1000\n', ''), 'DL3002'],
    ['USER root', GOOD.replace('USER 1000:1000', 'USER root'), 'DL3002'],
    ['USER after CMD', GOOD.replace('USER 1000:1000\n', '') + 'USER 1000\n', 'DL3002'],
    ['ADD of a URL', GOOD + 'ADD https://example.com/x.tgz /x\n', 'DL3020'],
    ['a secret in ENV', GOOD + 'ENV API_KEY=abc\n', 'secret-in-env'],
    ['a secret in ARG', GOOD + 'ARG NPM_TOKEN\n', 'secret-in-env'],
    ['no HEALTHCHECK', GOOD.replace(/HEALTHCHECK.*\n/, ''), 'healthcheck'],
    ['HEALTHCHECK NONE', GOOD.replace(/HEALTHCHECK.*\n/, 'HEALTHCHECK NONE\n'), 'healthcheck'],
    ['no init', GOOD.replace(/ENTRYPOINT.*\n/, ''), 'init'],
    ['an unpinned apt package', GOOD.replace('tini=0.19.*', 'tini curl=8.*'), 'DL3008'],
  ])('%s', (_name, text, rule) => {
    expect(rulesOf(text)).toContain(rule);
  });
});

describe('the HEALTHCHECK script', () => {
  const script = resolve(DEPLOY_DIR, 'docker/healthcheck.mjs');
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  const serve = (status: number, body: unknown): Promise<number> =>
    new Promise((done) => {
      server = createServer((req, res) => {
        res.writeHead(req.url === '/healthz' && req.headers.host?.startsWith('127.0.0.1') ? status : 404);
        res.end(JSON.stringify(body));
      }).listen(0, '127.0.0.1', () => done((server!.address() as { port: number }).port));
    });
  // asynchronous: the server under test runs on this event loop
  const run = (env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [script],
        { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 },
        (error, stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('is healthy when the connectors server answers /healthz', async () => {
    const port = await serve(200, { brand: 'brAInwav', status: 'ok' });
    const result = await run({ CONNECTORS_PORT: String(port), ASBR_PORT: '1' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`brAInwav: healthy on port ${port}\n`);
  });

  it('falls back to the asbr port (the same image runs asbr)', async () => {
    const port = await serve(200, { status: 'ok' });
    expect((await run({ CONNECTORS_PORT: '1', ASBR_PORT: String(port) })).status).toBe(0);
  });

  it('is unhealthy on a 503 or when nothing listens', async () => {
    const port = await serve(503, { status: 'ok' });
    const result = await run({ CONNECTORS_PORT: String(port), ASBR_PORT: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^brAInwav: unhealthy/);
  });
});
