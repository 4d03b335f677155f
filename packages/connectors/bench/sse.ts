/** SSE connection setup rate: open a stream, read until its first event, close; sequential, after a warm-up. */
import { request } from 'node:http';

function firstEvent(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`brAInwav: SSE answered ${res.statusCode}`));
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n\n')) {
          resolve(performance.now() - started);
          req.destroy();
        }
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

/** Figures of {@link sseSetupRate}. */
export interface SseFigures {
  connections: number;
  perSecond: number;
  firstEventP50Ms: number;
  firstEventP99Ms: number;
}

/** `n` sequential connections (after 50 warm-up ones): connections per second and time to the first event. */
export async function sseSetupRate(
  url: string,
  headers: Record<string, string>,
  n = 500,
): Promise<SseFigures> {
  for (let i = 0; i < 50; i += 1) await firstEvent(url, headers);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i += 1) samples.push(await firstEvent(url, headers));
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  const at = (p: number) => Math.round(samples[Math.min(n - 1, Math.floor(p * n))]! * 1000) / 1000;
  return {
    connections: n,
    perSecond: Math.round(n / seconds),
    firstEventP50Ms: at(0.5),
    firstEventP99Ms: at(0.99),
  };
}
