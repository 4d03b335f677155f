export { loadManifestFile, readManifestFile, readManifestFileSync } from './manifest-file.js';
export type { ManifestFile } from './manifest-file.js';
export { resolveSecretRef, createSecretResolver } from './secrets.js';
export {
  createSecretRefPolicy,
  defaultSecretRefPolicy,
  readSecretRefSettings,
  gatewaySecretValues,
  SecretRefNotAllowedError,
  SecretPolicyConfigError,
  SECRET_REFS_VAR,
  SECRET_DIR_VAR,
  DEFAULT_SECRET_REFS,
  GATEWAY_KEY_VARS,
} from './secret-policy.js';
export type { SecretRefPolicy, SecretRefPolicyOptions, SecretRefSettings } from './secret-policy.js';
export { hashSourceTree, BUILD_INFO_FILE } from './source-tree.js';
