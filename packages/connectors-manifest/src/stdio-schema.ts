import { z } from 'zod';
import { ENV_LITERAL_MESSAGE, STDIO_ENDPOINT_MESSAGE, STDIO_HEADERS_MESSAGE } from './messages.js';
import { commonConnectorShape, positiveInt } from './schema-parts.js';
import { SECRET_REF_PATTERN } from './secret-ref.js';

/** Environment variable names a stdio connector may declare. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables the supervisor sets itself (refused in a connector's `env`). */
export const SUPERVISOR_ENV_NAMES: readonly string[] = Object.freeze(['PATH', 'HOME', 'LANG']);

/** Restart defaults of a stdio connector (`limits`). */
export const STDIO_LIMIT_DEFAULTS = Object.freeze({
  maxRestarts: 5,
  restartWindowSeconds: 60,
  restartBackoffMs: Object.freeze({ initial: 500, max: 30_000 }),
});

const NUL = '\u0000';
const noNul = () => z.string().refine((value) => !value.includes(NUL), 'must not contain NUL characters');

function reservedEnvReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (SUPERVISOR_ENV_NAMES.includes(upper))
    return 'is set by the supervisor (PATH, HOME and LANG are reserved)';
  if (upper.startsWith('LD_') || upper === 'NODE_OPTIONS')
    return 'is not allowed: LD_* and NODE_OPTIONS could inject code into the connector process';
  return undefined;
}

const envValueSchema = z.strictObject(
  { secretRef: z.string().regex(SECRET_REF_PATTERN, 'must be env:NAME or file:/absolute/path') },
  { error: (issue) => (issue.code === 'invalid_type' ? ENV_LITERAL_MESSAGE : undefined) },
);

const envNameSchema = z
  .string()
  .regex(ENV_NAME_PATTERN, 'must match ^[A-Za-z_][A-Za-z0-9_]*$')
  .superRefine((name, ctx) => {
    const reason = reservedEnvReason(name);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
  });

/** `env` of a stdio connector: names → `{ secretRef }`, never literal values; PATH/HOME/LANG, LD_*, NODE_OPTIONS refused. */
export const StdioEnvSchema = z.record(envNameSchema, envValueSchema);

const backoffSchema = z
  .strictObject({
    initial: positiveInt.default(STDIO_LIMIT_DEFAULTS.restartBackoffMs.initial),
    max: positiveInt.default(STDIO_LIMIT_DEFAULTS.restartBackoffMs.max),
  })
  .superRefine((b, ctx) => {
    if (b.initial > b.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['initial'],
        message: `must be <= max (got ${b.initial} > ${b.max})`,
      });
    }
  });

/** Resource limits and restart policy of a stdio connector; output has the restart defaults applied. */
export const StdioLimitsSchema = z.strictObject({
  memoryMb: positiveInt.optional(),
  cpuSeconds: positiveInt.optional(),
  openFiles: positiveInt.optional(),
  maxRestarts: positiveInt.default(STDIO_LIMIT_DEFAULTS.maxRestarts),
  restartWindowSeconds: positiveInt.default(STDIO_LIMIT_DEFAULTS.restartWindowSeconds),
  restartBackoffMs: backoffSchema.default({ ...STDIO_LIMIT_DEFAULTS.restartBackoffMs }),
});

/** Sandbox of a stdio connector (bubblewrap): off by default; no network unless `network`. */
export const StdioSandboxSchema = z.strictObject({
  enabled: z.boolean().default(false),
  network: z.boolean().default(false),
});

/**
 * A local connector the gateway launches and supervises (`transport: "stdio"`). No `endpoint` and no `headers`:
 * the map publishes the gateway's `/mcp/connectors/<id>` URL in its place; `auth` says how agents authenticate there.
 */
export const StdioConnectorEntrySchema = z.strictObject({
  ...commonConnectorShape,
  transport: z.literal('stdio'),
  command: noNul().min(1, 'must be a non-empty command'),
  args: z.array(noNul()).default([]),
  cwd: noNul()
    .min(1, 'must be a non-empty path: absolute, or relative to the connector workspace')
    .optional(),
  env: StdioEnvSchema.default({}),
  limits: StdioLimitsSchema.default({
    ...STDIO_LIMIT_DEFAULTS,
    restartBackoffMs: { ...STDIO_LIMIT_DEFAULTS.restartBackoffMs },
  }),
  sandbox: StdioSandboxSchema.optional(),
  startup: z.enum(['lazy', 'boot']).default('lazy'),
  endpoint: z.never({ error: STDIO_ENDPOINT_MESSAGE }).optional(),
  headers: z.never({ error: STDIO_HEADERS_MESSAGE }).optional(),
});

/** Keys of a stdio entry that describe how to launch it: never published in the service map. */
export const STDIO_SPEC_FIELDS: readonly string[] = Object.freeze([
  'command',
  'args',
  'cwd',
  'env',
  'limits',
  'sandbox',
  'startup',
]);
