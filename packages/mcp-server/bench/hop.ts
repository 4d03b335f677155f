/** Row (a''): the gateway's own MCP hop beside a bare SDK server's, both with no upstream leg. */
import { startBareHttpEcho } from './bare-echo.js';
import { createConnectorsGateway, staticConnectorSource } from '../src/index.js';
import { connect, connector, cpuMicros, memoryEchoProxy, mount, round, sequential, stats } from './lib.js';

/**
 * (a'') The gateway's own hop, isolated: the aggregate endpoint with an in-memory proxy (no upstream leg)
 * beside a bare SDK `McpServer` echo on the same Streamable HTTP session transport.
 */
export async function hopComparison(): Promise<{
  bareSdk: ReturnType<typeof stats> & { cpuMs: number };
  gateway: ReturnType<typeof stats> & { cpuMs: number };
}> {
  const proxy = memoryEchoProxy();
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([{ connector: connector('mem', 'http://127.0.0.1:1/mcp'), proxy }]),
  });
  const gw = await mount(gateway);
  const bare = await startBareHttpEcho('text');
  const bareClient = await connect(bare.url);
  const gwClient = await connect(`${gw.base}/mcp`);
  await gateway.ready();
  const bareCall = () => bareClient.callTool({ name: 'echo', arguments: { text: 'x' } });
  const gwCall = () => gwClient.callTool({ name: 'mem__echo', arguments: { text: 'x' } });
  await sequential(300, bareCall);
  await sequential(300, gwCall);
  const measure = async (call: () => Promise<unknown>) => {
    let samples: number[] = [];
    const cpu = await cpuMicros(async () => void (samples = await sequential(1_000, call)));
    return { ...stats(samples), cpuMs: round(cpu / 1_000 / 1_000) };
  };
  const bareSdk = await measure(bareCall);
  const gatewayHop = await measure(gwCall);
  await bareClient.close();
  await gwClient.close();
  await bare.close();
  await gateway.close();
  await gw.close();
  return { bareSdk, gateway: gatewayHop };
}
