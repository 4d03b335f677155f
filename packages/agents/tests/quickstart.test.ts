import { startEverythingServer, type EverythingServer } from '@cortex-os/mcp-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../examples/quickstart.js';
import {
  API_KEY,
  connector,
  hsSigner,
  SECRET_A,
  signedMap,
  startMapServer,
  type MapServer,
} from './helpers.js';

let everything: EverythingServer;
let asbr: MapServer;

beforeAll(async () => {
  everything = await startEverythingServer();
  asbr = await startMapServer();
  const connectors = [
    connector('everything', everything.url),
    connector('tasks', 'http://127.0.0.1:9/mcp', { enabled: false }),
  ];
  asbr.serve(await signedMap({ connectors, version: 1, now: Date.now(), signer: await hsSigner() }));
});

afterAll(async () => {
  await asbr.close();
  await everything.stop();
});

describe('README quick start (examples/quickstart.ts)', () => {
  it('end to end: scripted tool call → proxy → server-everything echo → output fed back → final answer', async () => {
    const answer = await main({
      ASBR_URL: asbr.url,
      CONNECTORS_API_KEY: API_KEY,
      CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'HS256', secret: SECRET_A }]),
    });
    expect(answer).toBe('Answer: Echo: hello from brAInwav');
    expect(asbr.requests.map((r) => r.authorization)).toEqual([`Bearer ${API_KEY}`]);
  });
});
