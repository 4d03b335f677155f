import validRange from 'semver/ranges/valid.js';
import { z } from 'zod';
import { BRAND } from './brand.js';
import { SECRET_REF_PATTERN } from './secret-ref.js';

/** Connector ids: lower-case, digits and single dashes inside, 1–32 chars, never `_` (so `id__tool` is unambiguous). */
export const CONNECTOR_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const HEADER_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Header names that carry credentials: they belong in `auth`, never in static `headers`. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** A positive integer. */
export const positiveInt = z.int().positive();
/** The literal brand. */
export const brandLiteral = z.literal(BRAND);

/**
 * `auth` of a connector. HTTP: how the bridge authenticates upstream. stdio: how remote agents authenticate to the
 * gateway URL published in its place. By secret reference, never the secret.
 */
export const ConnectorAuthSchema = z
  .strictObject({
    type: z.enum(['apiKey', 'bearer', 'none']),
    headerName: z.string().regex(HEADER_NAME_PATTERN, 'must be an HTTP header name').optional(),
    secretRef: z.string().regex(SECRET_REF_PATTERN, 'must be env:NAME or file:/absolute/path').optional(),
  })
  .superRefine((auth, ctx) => {
    if (auth.type !== 'none' && !auth.secretRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretRef'],
        message: `is required when type is "${auth.type}"`,
      });
    }
    if (auth.type === 'apiKey' && !auth.headerName) {
      ctx.addIssue({ code: 'custom', path: ['headerName'], message: 'is required when type is "apiKey"' });
    }
  });

/** Per-connector quotas (calls per minute and per hour; perHour ≥ perMinute). */
export const ConnectorQuotasSchema = z
  .strictObject({ perMinute: positiveInt, perHour: positiveInt })
  .superRefine((q, ctx) => {
    if (q.perHour < q.perMinute) {
      ctx.addIssue({
        code: 'custom',
        path: ['perHour'],
        message: `must be >= perMinute (got ${q.perHour} < ${q.perMinute})`,
      });
    }
  });

/** Non-secret static HTTP headers (credential headers refused). */
export const headersSchema = z
  .record(z.string().regex(HEADER_NAME_PATTERN, 'must be an HTTP header name'), z.string())
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'carries credentials: declare it in auth with a secretRef',
        });
      }
    }
  });

/** `requiresCore`: a semver range the running core must satisfy (`semver.validRange`). */
export const requiresCoreSchema = z.string().superRefine((range, ctx) => {
  if (validRange(range) === null) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a valid semver range (got ${JSON.stringify(range).slice(0, 60)})`,
    });
  }
});

/** Fields every connector kind has, in the order they are written to the map. */
export const commonConnectorShape = {
  id: z.string().regex(CONNECTOR_ID_PATTERN, 'must match ^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$'),
  version: z.string().min(1),
  displayName: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  auth: ConnectorAuthSchema,
  scopes: z.array(z.string().min(1)).min(1),
  ttlSeconds: positiveInt.optional(),
  quotas: ConnectorQuotasSchema,
  enabled: z.boolean().default(true),
  metadata: z.looseObject({ brand: brandLiteral }).default({ brand: BRAND }),
  tools: z
    .strictObject({
      allow: z.array(z.string().min(1)).optional(),
      deny: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  requiresCore: requiresCoreSchema.optional(),
};
