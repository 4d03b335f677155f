import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { createRedactingDestination, REDACTED } from './redact.js';
import { batchedFdDestination } from './stdout-destination.js';

/** Brand written into every log line as the `brand` field. */
export const BRAND = 'brAInwav';

const HEADER_NAMES = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'Proxy-Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'x-api-key',
  'X-API-Key',
  'X-Api-Key',
];

/** pino redact paths: credential headers under `req.headers`, `res.headers` and `headers`. */
export const HEADER_REDACT_PATHS: readonly string[] = ['req.headers', 'res.headers', 'headers'].flatMap(
  (prefix) => HEADER_NAMES.map((name) => `${prefix}["${name}"]`),
);

/** JWK members holding private key material (EC/OKP `d`, RSA `p` `q` `dp` `dq` `qi` `oth`, symmetric `k`). */
const JWK_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Where a JWK may sit in a log object (explicit paths: pino's wildcard paths cost several µs per line). */
const JWK_HOLDERS = [
  'jwk',
  'privateJwk',
  'publicJwk',
  'signingJwk',
  'signingKey.privateJwk',
  'key.privateJwk',
  'config.signingKey.privateJwk',
];

/** pino redact paths: the private members of a JWK logged under a usual name (values are also redacted by `secrets`). */
export const JWK_REDACT_PATHS: readonly string[] = JWK_HOLDERS.flatMap((holder) =>
  JWK_PRIVATE_MEMBERS.map((member) => `${holder}.${member}`),
);

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Component name written as the `component` field (non-empty). */
  component: string;
  /** Minimum level; default `'info'`. */
  level?: LevelWithSilent;
  /** Secret values replaced with "[REDACTED]" wherever they appear (values < 4 chars are ignored). */
  secrets?: readonly string[];
  /** Where lines are written; default stdout (fd 1), batched per event-loop turn, flushed on exit. */
  destination?: DestinationStream;
  /** Extra base fields; `brand` and `component` always win. */
  base?: Record<string, unknown>;
}

const LEVELS: readonly string[] = [...Object.keys(pino.levels.values), 'silent'];

/** pino mixin adding the active OpenTelemetry span's trace id as `trace_id`, when there is one. */
function traceMixin(): Record<string, unknown> {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && isSpanContextValid(ctx) ? { trace_id: ctx.traceId } : {};
}

function validate(options: CreateLoggerOptions): void {
  if (typeof options.component !== 'string' || options.component.trim() === '') {
    throw new TypeError('brAInwav: createLogger option "component" must be a non-empty string');
  }
  if (options.level !== undefined && !LEVELS.includes(options.level)) {
    throw new RangeError(
      `brAInwav: createLogger option "level" must be one of ${LEVELS.join(', ')} (got "${String(options.level)}")`,
    );
  }
}

/**
 * Stdout (fd 1), batched: lines logged in one event-loop turn are written together by one synchronous write
 * from a `setImmediate`, off the request path; the queue is written synchronously on `exit` (also after
 * `process.exit()` and an uncaught exception), so nothing is lost on shutdown. See {@link batchedFdDestination}.
 */
function stdoutDestination(): DestinationStream {
  return batchedFdDestination(1);
}

/**
 * Creates the brAInwav pino logger: JSON lines with `brand: "brAInwav"` and `component` base fields,
 * `trace_id` of the active OpenTelemetry span, credential headers (authorization, cookie, x-api-key under
 * `req.headers`, `res.headers`, `headers`) censored, and every configured secret value replaced with
 * "[REDACTED]" anywhere in the line (message, nested fields, error message and stack).
 * `logger.child()` behaves as in pino; children share the redaction.
 *
 * @throws TypeError when `component` is empty; RangeError when `level` is not a pino level
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  validate(options);
  const destination = createRedactingDestination(
    options.destination ?? stdoutDestination(),
    options.secrets ?? [],
  );
  return pino(
    {
      level: options.level ?? 'info',
      base: { ...options.base, brand: BRAND, component: options.component },
      redact: { paths: [...HEADER_REDACT_PATHS, ...JWK_REDACT_PATHS], censor: REDACTED },
      mixin: traceMixin,
    },
    destination,
  );
}

/**
 * A logger at level `'silent'` (writes nothing), for tests and as a library's default when no logger is
 * injected. Same base fields as {@link createLogger}.
 *
 * @param component - component name; default `'library'`
 */
export function createSilentLogger(component = 'library'): Logger {
  return pino({ level: 'silent', base: { brand: BRAND, component } });
}
