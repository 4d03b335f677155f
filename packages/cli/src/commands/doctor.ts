import { isStdioEntry, ManifestValidationError, type Manifest } from '@cortex-os/connectors-manifest';
import {
  createSecretRefPolicy,
  gatewaySecretValues,
  readManifestFile,
  readSecretRefSettings,
  resolveSecretRef,
  SECRET_REFS_VAR,
  SecretPolicyConfigError,
  SecretRefNotAllowedError,
  type SecretRefPolicy,
} from '@cortex-os/connectors-manifest/node';
import { parseCommandArgs, stringOption } from '../args.js';
import { commandEnv, present, resolvePath, type Command, type CommandContext } from '../context.js';
import {
  apiKeyChecks,
  networkChecks,
  reasonOf,
  signingKeyChecks,
  verifyKeysChecks,
  type Check,
} from '../doctor-checks.js';
import { EXIT } from '../exit-codes.js';
import type { CliEnv } from '../io.js';
import { envSecrets } from '../keys.js';
import { connectorCounts, issueLines } from '../manifest.js';

/** Manifest checked when neither `--manifest` nor `CONNECTORS_MANIFEST_PATH` is given (relative to cwd). */
export const DEFAULT_MANIFEST_PATH = 'config/connectors.manifest.json';

const MARKS: Record<Check['status'], string> = { pass: '✔', fail: '✖', skip: '·' };

async function manifestCheck(path: string): Promise<{ check: Check; manifest?: Manifest }> {
  const label = `manifest ${path}`;
  try {
    const { manifest } = await readManifestFile(path);
    const c = connectorCounts(manifest);
    const detail = `${manifest.id} ${manifest.manifestVersion}, ${c.total} connectors (${c.enabled} enabled, ${c.disabled} disabled)`;
    return { check: { status: 'pass', label, detail }, manifest };
  } catch (error) {
    if (error instanceof ManifestValidationError) {
      const n = error.issues.length;
      return {
        check: {
          status: 'fail',
          label,
          detail: `invalid (${n} issue${n === 1 ? '' : 's'})`,
          sub: issueLines(error),
        },
      };
    }
    return { check: { status: 'fail', label, detail: reasonOf(error) } };
  }
}

/** The doctor's secretRef policy, as the connectors server builds it from the same environment. */
function secretRefPolicy(env: CliEnv): { policy?: SecretRefPolicy; check?: Check } {
  try {
    const settings = readSecretRefSettings(env);
    return { policy: createSecretRefPolicy({ ...settings, deniedValues: gatewaySecretValues(env) }) };
  } catch (error) {
    const variable = error instanceof SecretPolicyConfigError ? error.variable : SECRET_REFS_VAR;
    return { check: { status: 'fail', label: variable, detail: reasonOf(error, variable) } };
  }
}

async function secretRefCheck(ctx: CommandContext, ref: string, env: CliEnv, policy: SecretRefPolicy) {
  try {
    ctx.out.secret(await resolveSecretRef(ref, env, policy));
    return { status: 'pass', detail: 'ok' } as const;
  } catch (error) {
    if (error instanceof SecretRefNotAllowedError)
      return { status: 'fail', detail: `not allowed (${error.why})` } as const;
    const code = ref.startsWith('file:') ? /\((E[A-Z]+|EMPTY)\)$/.exec(reasonOf(error))?.[1] : undefined;
    return { status: 'fail', detail: code ? `missing (${code})` : 'missing' } as const;
  }
}

async function secretRefChecks(ctx: CommandContext, manifest: Manifest, env: CliEnv): Promise<Check[]> {
  const { policy, check } = secretRefPolicy(env);
  const checks: Check[] = check ? [check] : [];
  // the auth secretRef of every connector, and the env secretRefs a stdio connector's process is started with
  const refs = manifest.connectors.flatMap((connector) =>
    [
      ...(connector.auth.secretRef === undefined ? [] : [connector.auth.secretRef]),
      ...(isStdioEntry(connector) ? Object.values(connector.env).map((value) => value.secretRef) : []),
    ].map((ref) => ({ connector, ref })),
  );
  for (const { connector, ref } of refs) {
    const label = `secretRef ${connector.id} (${ref})`;
    if (!connector.enabled) {
      checks.push({ status: 'skip', label, detail: 'not checked (connector disabled)' });
    } else if (policy === undefined) {
      checks.push({ status: 'fail', label, detail: `not checked (${SECRET_REFS_VAR} is invalid)` });
    } else {
      checks.push({ label, ...(await secretRefCheck(ctx, ref, env, policy)) });
    }
  }
  return checks;
}

function render(ctx: CommandContext, checks: readonly Check[]): number {
  for (const check of checks) {
    ctx.out.out(`${MARKS[check.status]} ${check.label}: ${check.detail}`);
    for (const line of check.sub ?? []) ctx.out.out(`    ${line}`);
  }
  const counted = checks.filter((c) => c.status !== 'skip');
  const failed = counted.filter((c) => c.status === 'fail').length;
  ctx.out.out(
    failed === 0
      ? `brAInwav: doctor: all ${counted.length} checks passed`
      : `brAInwav: doctor: ${failed} of ${counted.length} checks failed`,
  );
  return failed === 0 ? EXIT.OK : EXIT.FAILURE;
}

/**
 * `doctor [--manifest path] [--env-file f]`: checks the environment (signing keys well-formed, verify
 * keys, API keys, ports), the manifest (`--manifest`, else `CONNECTORS_MANIFEST_PATH`, else
 * `config/connectors.manifest.json`) and that every enabled connector's `secretRef` is allowed by the
 * secretRef policy (`CONNECTORS_SECRET_REFS`, `CONNECTORS_SECRET_DIR`, never a gateway key) and resolves. Prints a
 * ✔/✖ checklist on stdout, never a secret value; resolves to 0 when every check passes, else 1.
 */
export const doctorCommand: Command = async (args, ctx) => {
  const options = { manifest: { type: 'string' }, 'env-file': { type: 'string' } } as const;
  const parsed = parseCommandArgs('doctor', args, options, { min: 0, max: 0 });
  const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
  ctx.out.secret(...envSecrets(env));
  const checks: Check[] = [
    ...(await signingKeyChecks(env)),
    ...(await verifyKeysChecks(env)),
    ...apiKeyChecks(env),
    ...networkChecks(env),
  ];
  const path = resolvePath(
    ctx,
    stringOption(parsed, 'manifest') ?? present(env, 'CONNECTORS_MANIFEST_PATH') ?? DEFAULT_MANIFEST_PATH,
  );
  const { check, manifest } = await manifestCheck(path);
  checks.push(check);
  if (manifest !== undefined) checks.push(...(await secretRefChecks(ctx, manifest, env)));
  return render(ctx, checks);
};
