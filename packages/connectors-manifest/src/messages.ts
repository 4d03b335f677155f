/** `env` value given as a literal string (or anything but `{ secretRef }`). */
export const ENV_LITERAL_MESSAGE = 'must be { secretRef }: literal values are never allowed in env';
/** `endpoint` on a stdio connector. */
export const STDIO_ENDPOINT_MESSAGE = 'is not allowed for a stdio connector: the gateway publishes its URL';
/** `headers` on a stdio connector. */
export const STDIO_HEADERS_MESSAGE =
  'is not allowed for a stdio connector: it has no upstream HTTP request (declare env with secretRefs)';

/** Complete messages set on non-custom issues: shown as written, without a `(got …)` suffix. */
export const VERBATIM_MESSAGES: ReadonlySet<string> = new Set([
  ENV_LITERAL_MESSAGE,
  STDIO_ENDPOINT_MESSAGE,
  STDIO_HEADERS_MESSAGE,
]);
