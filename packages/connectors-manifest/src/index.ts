export { BRAND, branded } from './brand.js';
export { backoffDelayMs } from './backoff.js';
export type { Backoff, BackoffJitter } from './backoff.js';
export {
  ConnectorsError,
  ManifestValidationError,
  ERROR_STATUS,
  httpStatusFor,
  errorBody,
} from './errors.js';
export type { ErrorCode, ErrorBody, ManifestIssue } from './errors.js';
export {
  ManifestSchema,
  ConnectorEntrySchema,
  HttpConnectorEntrySchema,
  StdioConnectorEntrySchema,
  StdioLimitsSchema,
  isStdioEntry,
  ConnectorAuthSchema,
  ConnectorQuotasSchema,
  ServiceMapSchema,
  ServiceMapConnectorSchema,
  CONNECTOR_ID_PATTERN,
} from './schema.js';
export type {
  Manifest,
  ManifestInput,
  ConnectorEntry,
  HttpConnectorEntry,
  StdioConnectorEntry,
  StdioLimits,
  ConnectorAuth,
  ConnectorQuotas,
  ServiceMap,
  ServiceMapConnector,
  UnsignedServiceMap,
} from './schema.js';
export {
  ENV_NAME_PATTERN,
  SUPERVISOR_ENV_NAMES,
  STDIO_LIMIT_DEFAULTS,
  STDIO_SPEC_FIELDS,
} from './stdio-schema.js';
export { CORE_VERSION, checkRequiresCore } from './core-version.js';
export {
  GATEWAY_URL_VAR,
  PUBLIC_URL_VAR,
  GatewayUrlError,
  normalizeGatewayUrl,
  gatewayEndpointFor,
} from './gateway-url.js';
export { parseManifest, safeParseManifest, formatPath } from './validate.js';
export type { ManifestParseResult } from './validate.js';
export { parseSecretRef, SECRET_REF_PATTERN } from './secret-ref.js';
export type { SecretRef } from './secret-ref.js';
export { canonicalize } from './canonical.js';
export {
  createKeySet,
  defaultHsKid,
  defaultEdKid,
  parseKeySetJson,
  verifyInputFor,
  publicJwkOf,
  generateSigningKey,
  privateMembersOf,
  removeHint,
  JWK_PRIVATE_MEMBERS,
  MIN_HS256_SECRET_BYTES,
} from './keys.js';
export {
  KeyEnvError,
  SIGNATURE_KEY_VAR,
  SIGNING_JWK_VAR,
  VERIFY_KEYS_VAR,
  hsKey,
  edSigningKey,
  parseSigningJwk,
  parseVerifyKeys,
  signatureKeyFromEnv,
  signingJwkFromEnv,
  listedVerifyKeysFromEnv,
  signingKeyFromEnv,
  verifyKeysFromEnv,
  keySecrets,
  envKeySecrets,
} from './key-env.js';
export type { KeyEnv } from './key-env.js';
export type { KeyInput, SigningKeyInput, KeySet, VerifyKey, SignatureAlg, GeneratedKey } from './keys.js';
export { buildServiceMap, STATUS_ENABLED_MESSAGE, STATUS_DISABLED_MESSAGE } from './service-map.js';
export type { BuildServiceMapOptions } from './service-map.js';
export { createSigner, signServiceMap, signingPayload, SERVICE_MAP_TYP } from './sign.js';
export type { Signer } from './sign.js';
export { verifyServiceMap, VERIFY_CODES, DEFAULT_MAX_MAP_BYTES } from './verify.js';
export type { VerifyCode, VerifyResult, VerifyOptions } from './verify.js';
export { toolName, TOOL_NAME_PATTERN, MAX_TOOL_NAME_LENGTH, TOOL_NAME_SEPARATOR } from './tool-name.js';
export type { ToolName } from './tool-name.js';
export { manifestJsonSchema, serviceMapJsonSchema, renderJsonSchema } from './json-schema.js';
