import { relative } from 'node:path';
import { CONNECTOR_ID_PATTERN } from '@cortex-os/connectors-manifest';
import { choiceOption, intOption, parseCommandArgs, stringOption, usageError } from '../args.js';
import { resolvePath, type Command, type CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import {
  DEFAULT_HTTP_PORT,
  MANIFEST_ENTRY_FILE,
  SCAFFOLD_TRANSPORTS,
  checkTarget,
  manifestEntry,
  scaffoldFiles,
  writeScaffold,
  type ScaffoldOptions,
} from '../scaffold/index.js';

const OPTIONS = {
  transport: { type: 'string' },
  dir: { type: 'string' },
  port: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const MAX_PORT = 65_535;

function connectorId(text: string): string {
  if (!CONNECTOR_ID_PATTERN.test(text)) {
    throw usageError(
      'new',
      `connector id must match ${CONNECTOR_ID_PATTERN.source} (got ${JSON.stringify(text)})`,
    );
  }
  return text;
}

function scaffoldOptions(
  args: readonly string[],
  ctx: CommandContext,
): ScaffoldOptions & { force: boolean; json: boolean } {
  const parsed = parseCommandArgs('new', args, OPTIONS, { min: 1, max: 1, name: '<id>' });
  const id = connectorId(parsed.positionals[0] ?? '');
  const port = intOption('new', parsed, 'port', 1) ?? DEFAULT_HTTP_PORT;
  if (port > MAX_PORT) throw usageError('new', `--port must be an integer <= ${MAX_PORT} (got ${port})`);
  return {
    id,
    transport: choiceOption('new', parsed, 'transport', SCAFFOLD_TRANSPORTS, 'stdio'),
    dir: resolvePath(ctx, stringOption(parsed, 'dir') ?? `connectors/${id}`),
    port,
    force: parsed.values.force === true,
    json: parsed.values.json === true,
  };
}

function nextSteps(ctx: CommandContext, options: ScaffoldOptions): string[] {
  const shown = relative(ctx.io.cwd, options.dir) || '.';
  return [
    'Next steps:',
    `  1. cd ${shown} && npm install`,
    '  2. npm test                      (starts the server for real and calls hello through an SDK Client)',
    `  3. paste ${MANIFEST_ENTRY_FILE} into connectors[] of config/connectors.manifest.json`,
    '  4. cortex-connectors validate config/connectors.manifest.json',
    '  Guide: docs/connectors/authoring.md',
  ];
}

/**
 * `new <id> [--transport stdio|http] [--dir path] [--port n] [--force] [--json]`: scaffolds a TypeScript MCP
 * connector (SDK v2) in `--dir` (default `./connectors/<id>`) and prints the files written and the next
 * steps, or with `--json` `{ dir, files, manifestEntry }`. Resolves to 0.
 * @throws UsageError (64) for an id outside `CONNECTOR_ID_PATTERN` or a bad option; CliError
 *   `TARGET_NOT_EMPTY` / `TARGET_NOT_DIRECTORY` (1) for an unusable target without `--force`; `FILE_IO` (1).
 */
export const newCommand: Command = async (args, ctx) => {
  const options = scaffoldOptions(args, ctx);
  await checkTarget(options.dir, options.force);
  const files = scaffoldFiles(options);
  await writeScaffold(options.dir, files);
  const paths = files.map((file) => file.path);
  if (options.json) {
    ctx.out.out(
      JSON.stringify({ dir: options.dir, files: paths, manifestEntry: manifestEntry(options) }, null, 2),
    );
    return EXIT.OK;
  }
  ctx.out.out(`Created brAInwav connector ${options.id} (${options.transport}) in ${options.dir}:`);
  for (const path of paths) ctx.out.out(`  ${path}`);
  for (const line of nextSteps(ctx, options)) ctx.out.out(line);
  return EXIT.OK;
};
