import { AGENT_HELP } from './commands/agent.js';
/** The bin name users type. */
export const BIN = 'cortex-connectors';

const EXIT_LINE =
  'Exit codes: 0 ok, 1 failed check or error, 2 verification failed, 64 usage error, 65 invalid policy file.';

/** Global usage, printed by `--help` (stdout) and after an unknown command (stderr). */
export const GLOBAL_HELP = `brAInwav ${BIN}: validate, sign and verify the connectors manifest and its signed service map;
scaffold new connectors.

Usage: ${BIN} <command> [options]

Commands:
  validate <manifest>              check a manifest; print every issue with its JSON path
  schema [--map]                   print the manifest (or service map) JSON Schema
  keygen --alg HS256|EdDSA         generate a signing key as .env.local lines (or --json)
  sign <manifest>                  sign a service map offline (static hosting, release pipelines)
  verify <url|file>                fetch or read a signed service map and verify its signature
  doctor                           check env, manifest and every secretRef without printing values
  policy check|explain <file>      check a policy file; explain one decision with its rule
  token --client <id>              get an OAuth access token (client credentials; the dev-auth server by default)
  new <id> [--transport t]         scaffold a TypeScript MCP connector (SDK v2) and its manifest entry
  agent run|probe|resume           run the connectors agent on a model provider; probe the provider

Options:
  -h, --help                       show help; "${BIN} <command> --help" for a command
  -V, --version                    print the CLI version

${EXIT_LINE}`;

/** Usage text of each command, printed by `<command> --help` (stdout) and after a usage error (stderr). */
export const COMMAND_HELP = {
  validate: `Usage: ${BIN} validate <manifest>

Validates a connectors manifest (JSON) against the brAInwav schema.
Valid: prints "OK manifest=<id> version=<manifestVersion> connectors=<n> enabled=<n> disabled=<n>", exit 0.
Invalid: prints a branded header and every issue as "<json path>: <message>" on stderr, exit 1.

${EXIT_LINE}`,
  schema: `Usage: ${BIN} schema [--map]

Prints the JSON Schema (draft 2020-12) of the manifest, or with --map of the signed service map.

Options:
  --map                            the service map's schema instead of the manifest's

${EXIT_LINE}`,
  keygen: `Usage: ${BIN} keygen --alg HS256|EdDSA [--json]

Generates a new signing key and prints it as lines for .env.local (the key is printed by design):
  HS256  CONNECTORS_SIGNATURE_KEY=<48 random bytes, base64url>
  EdDSA  CONNECTORS_SIGNING_JWK='<private JWK>' and CONNECTORS_VERIFY_KEYS='[<public key with kid>]'
A "# kid ..." comment names the key id.

Options:
  --alg HS256|EdDSA                signature algorithm (required)
  --json                           print one JSON object { alg, kid, signing, verify, env } instead

${EXIT_LINE}`,
  sign: `Usage: ${BIN} sign <manifest> [--out file] [--version N] [--ttl S] [--key-file f] [--env-file f] [--gateway-url url]

Validates the manifest and writes a signed service map (JSON), e.g. for static hosting.
The signing key comes from CONNECTORS_SIGNING_JWK (EdDSA, wins) or CONNECTORS_SIGNATURE_KEY (HS256),
or from --key-file. The map id is a fresh ULID. A stdio connector is published as
<gateway-url>/mcp/connectors/<id> (transport stdio, never its command, args or env); a manifest with a
stdio connector and no gateway URL fails (exit 1).

Options:
  --out <file>                     write the map to <file> and print a summary (default: map on stdout)
  --version <N>                    map version, integer >= 0 (default: Date.now() in ms)
  --ttl <S>                        map lifetime in seconds (default: the manifest's ttlSeconds)
  --key-file <f>                   signing key file: keygen output (.env lines or --json), a JWK, or the HS256 secret
  --env-file <f>                   read missing variables from a dotenv file (e.g. .env.local); env wins
  --gateway-url <url>              gateway base URL of stdio connectors (default: CONNECTORS_GATEWAY_URL,
                                   else CONNECTORS_PUBLIC_URL)

${EXIT_LINE}`,
  verify: `Usage: ${BIN} verify <url|file> [--keys json] [--key-file f] [--api-key k] [--timeout ms] [--env-file f]

Fetches (http/https URL) or reads (file) a signed service map and verifies signature, schema and expiry.
OK: prints "OK kid=<kid> alg=<alg> version=<v> expires=<iso> connectors=<n>", exit 0.
Rejected: prints "FAIL <CODE>: <message>" on stderr, exit 2 (HTTP and network errors too).

Keys: --keys and --key-file replace the environment's keys; otherwise CONNECTORS_VERIFY_KEYS,
CONNECTORS_SIGNATURE_KEY (HS256) and the public half of CONNECTORS_SIGNING_JWK are trusted.
A URL is fetched with "Authorization: Bearer <key>" (--api-key, else the first CONNECTORS_API_KEY).

Options:
  --keys <json>                    JSON array of { kid?, alg: "HS256", secret } | { kid?, alg: "EdDSA", publicJwk }
  --key-file <f>                   key file: keygen output (.env lines or --json), a JWK, a key array, or the HS256 secret
  --api-key <k>                    API key for the URL (default: CONNECTORS_API_KEY)
  --timeout <ms>                   HTTP timeout in milliseconds (default 10000)
  --env-file <f>                   read missing variables from a dotenv file (e.g. .env.local); env wins

${EXIT_LINE}`,
  doctor: `Usage: ${BIN} doctor [--manifest path] [--env-file f]

Checks, without printing any secret value:
  env        signing key(s) well-formed (HS256 >= 32 bytes, Ed25519 JWK), CONNECTORS_VERIFY_KEYS,
             CONNECTORS_API_KEY (unless NO_AUTH=true), ports and ASBR_URL when set
  manifest   the manifest is valid (--manifest, else CONNECTORS_MANIFEST_PATH, else
             config/connectors.manifest.json)
  secretRef  every enabled connector's auth.secretRef is allowed (CONNECTORS_SECRET_REFS, default
             env:CONNECTOR_*; file: refs inside CONNECTORS_SECRET_DIR; never a gateway key) and
             resolves ("ok", "not allowed (<why>)" or "missing")
Prints a checklist of ✔/✖ lines; exit 0 when every check passes, else 1.

Options:
  --manifest <path>                manifest to check
  --env-file <f>                   read missing variables from a dotenv file (e.g. .env.local); env wins

${EXIT_LINE}`,
  policy: `Usage: ${BIN} policy check <file>
       ${BIN} policy explain <file> --principal <subject> [--role r]... [--scope s]... [--claims json]
           --tool <connector>__<tool> [--phase list|call] [--args json] [--required-scope s]... [--json]

check    Reads, validates and compiles a policy file (YAML or JSON; CEL conditions type-checked).
         Valid: prints "brAInwav: policy <file> OK (<n> rules)", exit 0.
         Invalid: prints a branded header and every issue as "<path>: <message>" on stderr
         (e.g. rules[1] (id "no-delete").when: unknown variable args in phase list ...), exit 65.
explain  Decides one request and prints the verdict with its reason, the deciding rule as written, and
         every rule's line ("matched ..." with why, or "skipped ..." with the first failing check).
         Exit 0 when allowed, 1 when denied, 65 for an invalid policy file.

Options of explain:
  --principal <subject>            the caller's subject (required)
  --role <r>                       a role the caller holds (repeatable)
  --scope <s>                      a scope the caller's credential carries (repeatable)
  --claims <json>                  the caller's token claims as a JSON object (principal.claims)
  --tool <connector>__<tool>       the namespaced tool (required)
  --phase list|call                tools/list or tools/call (default call)
  --args <json>                    the call's arguments as a JSON object (args; phase call only)
  --required-scope <s>             a scope the connector requires (the manifest's scopes; repeatable)
  --json                           print the explanation { decision, matched, rules } as JSON

A missing file is a branded error, exit 1.
${EXIT_LINE}`,
  token: `Usage: ${BIN} token --client <id> [--secret s] [--issuer url] [--resource url] [--scope "a b"] [--json]
           [--timeout ms] [--env-file f]

Gets an OAuth access token with the client credentials grant from the issuer's token endpoint (found through
its RFC 8414 / OpenID metadata) and prints only the token on stdout, so
  curl -H "Authorization: Bearer $(${BIN} token --client dev-admin)" http://127.0.0.1:7071/mcp ...
works. With --json prints the whole token response. The client secret is never printed.

Options:
  --client <id>                    the client id (required), e.g. dev-admin or dev-support
  --secret <s>                     the client secret (default: DEV_AUTH_CLIENT_<ID>_SECRET, id upper-cased,
                                   "-" as "_", from the environment, else from .env.local in the cwd)
  --issuer <url>                   the authorization server (default: OAUTH_ISSUER, else http://127.0.0.1:7072)
  --resource <url>                 the RFC 8707 resource, the token's audience (default: CONNECTORS_PUBLIC_URL
                                   + /mcp, else http://127.0.0.1:7071/mcp)
  --scope "<a b>"                  space-separated scopes to request (default: the server's choice)
  --json                           print the token response { access_token, token_type, expires_in, scope }
  --timeout <ms>                   HTTP timeout in milliseconds (default 10000)
  --env-file <f>                   read missing variables from this dotenv file instead of .env.local; env wins

A refused grant (e.g. HTTP 401 invalid_client), an unreachable issuer or a missing secret is a branded error, exit 1.
${EXIT_LINE}`,
  new: `Usage: ${BIN} new <id> [--transport stdio|http] [--dir path] [--port n] [--force] [--json]

Scaffolds a connector: a small TypeScript MCP server on @modelcontextprotocol/server (v2) with one tool
"hello" ({ name } -> "Hello, <name>! (brAInwav connector <id>)"), package.json (versions pinned),
tsconfig.json, vitest.config.ts, src/server.ts, test/server.test.ts (real server + SDK Client), README.md
and manifest-entry.json, the entry to paste into config/connectors.manifest.json.
Prints the files written and the next steps (install, test, add the entry, validate).

Options:
  --transport stdio|http           stdio child of the gateway's supervisor (default) or Streamable HTTP server
  --dir <path>                     target directory (default ./connectors/<id>); must be absent or empty
  --port <n>                       http: port of the manifest entry's endpoint (default 7200)
  --force                          write into a non-empty directory (overwrites the scaffold's files only)
  --json                           print { dir, files, manifestEntry } instead

The id must match ^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$ (exit 64 otherwise); a non-empty target without
--force is a branded error, exit 1.
${EXIT_LINE}`,
  agent: `${AGENT_HELP}

${EXIT_LINE}`,
} as const;

/** A command name of the CLI. */
export type CommandName = keyof typeof COMMAND_HELP;

/** Every command name, in help order. */
export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];

/** Whether `name` is a command of the CLI. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}
