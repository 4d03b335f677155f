/**
 * The issuer of configuration B: the dev authorization server (`@cortex-os/dev-auth`, a real oidc-provider) in the
 * benchmark process, with one confidential client holding the benchmark's role. Tokens come from its token
 * endpoint by the client-credentials grant: RS256 JWTs with `aud` = the requested RFC 8707 resource and `roles`.
 * The connectors server fetches its discovery document and JWKS once; it is not on the measured path.
 */
import { generateDevAuthJwks, startDevAuthServer } from '@cortex-os/dev-auth';
import { BENCH_ROLE } from './oauth-policy.js';

const CLIENT_ID = 'bench-support';
const CLIENT_SECRET = 'bench-support-client-secret-0123456789';
/** Scopes the benchmark's token asks for (the connector's manifest `scopes` are `tools:call`). */
export const BENCH_TOKEN_SCOPE = 'mcp:tools tools:call';

/** A running benchmark issuer. */
export interface BenchIssuer {
  /** The issuer URL (`OAUTH_ISSUER` of configuration B). */
  readonly issuer: string;
  /** A client-credentials access token for `resource` (e.g. `<base>/mcp`). */
  token(resource: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts dev-auth on a free loopback port; tokens live an hour (longer than a run). */
export async function startBenchIssuer(): Promise<BenchIssuer> {
  const server = await startDevAuthServer({
    jwks: await generateDevAuthJwks(),
    users: [{ sub: 'alice', roles: ['admin'] }],
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        roles: [BENCH_ROLE],
        scopes: BENCH_TOKEN_SCOPE.split(' '),
        grant_types: ['client_credentials'],
      },
    ],
    scopes: ['openid', ...BENCH_TOKEN_SCOPE.split(' ')],
    accessTokenTtlSeconds: 3_600,
    log: () => undefined,
  });
  return {
    issuer: server.issuer,
    token: async (resource) => {
      const res = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: BENCH_TOKEN_SCOPE }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (res.status !== 200 || !body.access_token)
        throw new Error(`brAInwav: dev-auth refused the bench token (${res.status} ${body.error ?? ''})`);
      return body.access_token;
    },
    close: () => server.close(),
  };
}
