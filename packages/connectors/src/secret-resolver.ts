import {
  createSecretRefPolicy,
  createSecretResolver,
  gatewaySecretValues,
} from '@cortex-os/connectors-manifest/node';
import type { SecretResolver } from '@cortex-os/mcp-bridge';
import { configSecrets, type ConnectorsConfig } from './config.js';

/**
 * The gateway's `secretRef` resolver: the configured allow-list (`CONNECTORS_SECRET_REFS`, default
 * `env:CONNECTOR_*`) and secret directory (`CONNECTORS_SECRET_DIR`); the gateway's own key variables are
 * never resolved, nor any ref whose value equals one of the server's secrets (`configSecrets`) or a gateway
 * key of `env`. A refusal is `SECRET_REF_NOT_ALLOWED`, shown as that connector's failure.
 */
export function gatewaySecretResolver(
  config: ConnectorsConfig,
  env: NodeJS.ProcessEnv = process.env,
): SecretResolver {
  const deniedValues = [...configSecrets(config), ...gatewaySecretValues(env)];
  return createSecretResolver(createSecretRefPolicy({ ...config.secretRefs, deniedValues }), env);
}
