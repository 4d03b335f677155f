import { createRequire } from 'node:module';
import type * as OtelSdkNode from '@opentelemetry/sdk-node';

let sdkNode: typeof OtelSdkNode | undefined;

/**
 * Loads `@opentelemetry/sdk-node` on first use (CommonJS build, synchronously). Deferring it keeps
 * importing this package cheap and independent of the SDK's exporter tree, which ships bundler-only ESM
 * builds that a runner resolving the `module` export condition cannot load.
 */
export function loadSdkNode(): typeof OtelSdkNode {
  sdkNode ??= createRequire(import.meta.url)('@opentelemetry/sdk-node') as typeof OtelSdkNode;
  return sdkNode;
}
