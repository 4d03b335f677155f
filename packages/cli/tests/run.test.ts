import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_VERSION, COMMAND_HELP, COMMAND_NAMES, EXIT, GLOBAL_HELP, run } from '../src/index.js';
import { PACKAGE_DIR, runCli } from './helpers.js';

describe('run: global help, version and usage errors', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the global usage on stdout, exit 0', async (flag) => {
    const result = await runCli([flag]);
    expect(result).toEqual({ code: 0, stdout: `${GLOBAL_HELP}\n`, stderr: '' });
    for (const name of COMMAND_NAMES) expect(result.stdout).toContain(`  ${name} `);
  });

  it('no command prints a branded error and the usage on stderr, exit 64', async () => {
    const result = await runCli([]);
    expect(result).toEqual({ code: 64, stdout: '', stderr: `brAInwav: missing command\n\n${GLOBAL_HELP}\n` });
  });

  it('an unknown command prints the usage on stderr, exit 64', async () => {
    const result = await runCli(['frobnicate', '--x']);
    expect(result).toEqual({
      code: EXIT.USAGE,
      stdout: '',
      stderr: `brAInwav: unknown command "frobnicate"\n\n${GLOBAL_HELP}\n`,
    });
  });

  it('--version prints the package.json version', async () => {
    const pkg = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
      version: string;
      bin: Record<string, string>;
    };
    expect(CLI_VERSION).toBe(pkg.version);
    expect(pkg.bin).toEqual({ 'cortex-connectors': './dist/bin.js' });
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(await runCli(['-V'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('run: per-command help', () => {
  it.each(COMMAND_NAMES)('%s --help prints its usage on stdout, exit 0', async (name) => {
    const expected = { code: 0, stdout: `${COMMAND_HELP[name]}\n`, stderr: '' };
    expect(await runCli([name, '--help'])).toEqual(expected);
    expect(await runCli([name, '-h'])).toEqual(expected);
    expect(await runCli(['help', name])).toEqual(expected);
    expect(COMMAND_HELP[name]).toMatch(new RegExp(`^Usage: cortex-connectors ${name}`));
  });

  it('help for an unknown command is a usage error', async () => {
    const result = await runCli(['help', 'nope']);
    expect(result).toEqual({
      code: 64,
      stdout: '',
      stderr: `brAInwav: help: unknown command "nope"\n\n${GLOBAL_HELP}\n`,
    });
  });

  it('an unknown option prints the command usage on stderr, exit 64', async () => {
    const result = await runCli(['schema', '--bogus']);
    expect(result).toEqual({
      code: 64,
      stdout: '',
      stderr: `brAInwav: schema: Unknown option '--bogus'\n\n${COMMAND_HELP.schema}\n`,
    });
  });

  it('too many arguments are a usage error that does not echo them', async () => {
    const result = await runCli(['validate', 'a.json', 'super-secret-typo-value']);
    expect(result.code).toBe(64);
    expect(result.stderr).toBe(
      `brAInwav: validate: too many arguments (expected at most 1, got 2)\n\n${COMMAND_HELP.validate}\n`,
    );
    expect(result.stderr).not.toContain('super-secret-typo-value');
  });

  it('writes only through the injected streams', async () => {
    const chunks: string[] = [];
    const sink = { write: (chunk: string) => chunks.push(chunk) };
    const code = await run(['--version'], { stdout: sink, stderr: sink, env: {}, cwd: PACKAGE_DIR });
    expect(code).toBe(0);
    expect(chunks).toEqual([`${CLI_VERSION}\n`]);
  });
});
