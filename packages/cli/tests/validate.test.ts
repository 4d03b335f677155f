import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../src/index.js';
import { FIXTURE_MANIFEST, INVALID_MANIFEST, PACKAGE_DIR, runCli, tempDir } from './helpers.js';

describe('validate', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('prints an OK line with id, version and connector counts, exit 0', async () => {
    const result = await runCli(['validate', FIXTURE_MANIFEST]);
    expect(result).toEqual({
      code: 0,
      stdout: 'OK manifest=cli-fixture version=2026.11.22-test connectors=3 enabled=2 disabled=1\n',
      stderr: '',
    });
  });

  it('resolves a relative path against the working directory', async () => {
    const result = await runCli(['validate', 'tests/fixtures/connectors.manifest.json'], {
      cwd: PACKAGE_DIR,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^OK manifest=cli-fixture /);
  });

  it('prints every issue as "path: message" under a branded header, exit 1', async () => {
    const result = await runCli(['validate', INVALID_MANIFEST]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `brAInwav: manifest ${INVALID_MANIFEST} is invalid (4 issues):`,
        'connectors[0].id: must match ^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$ (got "Bad_Id")',
        'connectors[0].endpoint: must be an http(s) URL (got "ftp://example.com/mcp")',
        'connectors[0].auth.headerName: is required when type is "apiKey"',
        'connectors[0].quotas.perHour: must be >= perMinute (got 10 < 60)',
        '',
      ].join('\n'),
    );
  });

  it('names a root-level issue "(root)"', async () => {
    const path = join(dir.path, 'array.json');
    await writeFile(path, '[]');
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `brAInwav: manifest ${path} is invalid (1 issue):\n(root): expected object, received array (got [])\n`,
    );
  });

  it('a missing file is a branded error naming the path, exit 1', async () => {
    const path = join(dir.path, 'missing.json');
    const result = await runCli(['validate', path]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `brAInwav: manifest not found at ${path} (ENOENT)\n`,
    });
  });

  it('a file that is not JSON is a branded error naming the path, exit 1', async () => {
    const path = join(dir.path, 'bad.json');
    await writeFile(path, '{ "id": ');
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^brAInwav: manifest ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON: `),
    );
  });

  it('a missing argument is a usage error, exit 64', async () => {
    const result = await runCli(['validate']);
    expect(result).toEqual({
      code: 64,
      stdout: '',
      stderr: `brAInwav: validate: missing <manifest>\n\n${COMMAND_HELP.validate}\n`,
    });
  });
});
