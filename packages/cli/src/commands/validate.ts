import { readManifestFile } from '@cortex-os/connectors-manifest/node';
import { parseCommandArgs } from '../args.js';
import { resolvePath, type Command } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { manifestSummary } from '../manifest.js';

/**
 * `validate <manifest>`: prints `OK manifest=<id> version=<v> connectors=<n> enabled=<n> disabled=<n>`
 * and resolves to 0. An invalid manifest throws `ManifestValidationError` (printed by `run` as a branded
 * header plus one `path: message` line per issue, exit 1); a missing file throws `MANIFEST_NOT_FOUND`.
 */
export const validateCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('validate', args, {}, { min: 1, max: 1, name: '<manifest>' });
  const path = resolvePath(ctx, parsed.positionals[0] ?? '');
  const { manifest } = await readManifestFile(path);
  ctx.out.out(`OK ${manifestSummary(manifest)}`);
  return EXIT.OK;
};
