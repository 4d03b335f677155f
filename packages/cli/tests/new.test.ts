import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONNECTOR_ID_PATTERN } from '@cortex-os/connectors-manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, SCAFFOLD_VERSIONS, manifestEntry, scaffoldFiles } from '../src/index.js';
import { REPO_ROOT, runCli, tempDir } from './helpers.js';

const FILES = [
  'package.json',
  'tsconfig.json',
  'vitest.config.ts',
  '.gitignore',
  'src/server.ts',
  'test/server.test.ts',
  'README.md',
  'manifest-entry.json',
];

const POLICY = {
  auth: { type: 'none' },
  scopes: ['tools:call'],
  quotas: { perMinute: 60, perHour: 1000 },
  enabled: true,
  metadata: { brand: 'brAInwav' },
};

let tmp: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

const read = (dir: string, path: string): Promise<string> => readFile(join(dir, path), 'utf8');
const readJson = async (dir: string, path: string): Promise<unknown> =>
  JSON.parse(await read(dir, path)) as unknown;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('new: stdio (default)', () => {
  it('writes the files, prints them and the next steps, exit 0', async () => {
    const dir = join(tmp.path, 'weather');
    const result = await runCli(['new', 'weather', '--dir', dir], { cwd: tmp.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.OK);
    expect(result.stdout).toBe(
      [
        `Created brAInwav connector weather (stdio) in ${dir}:`,
        ...FILES.map((file) => `  ${file}`),
        'Next steps:',
        '  1. cd weather && npm install',
        '  2. npm test                      (starts the server for real and calls hello through an SDK Client)',
        '  3. paste manifest-entry.json into connectors[] of config/connectors.manifest.json',
        '  4. cortex-connectors validate config/connectors.manifest.json',
        '  Guide: docs/connectors/authoring.md',
        '',
      ].join('\n'),
    );
    expect(await listFiles(dir)).toEqual([...FILES].sort());
  });

  it('manifest-entry.json is the exact stdio entry with the absolute server path', async () => {
    const dir = join(tmp.path, 'weather');
    expect((await runCli(['new', 'weather', '--dir', dir])).code).toBe(0);
    const text = await read(dir, 'manifest-entry.json');
    expect(JSON.parse(text)).toStrictEqual({
      id: 'weather',
      version: '0.1.0',
      displayName: 'Weather',
      description: 'brAInwav connector weather (stdio), scaffolded by cortex-connectors new.',
      transport: 'stdio',
      command: 'npx',
      args: ['tsx', join(dir, 'src/server.ts')],
      cwd: dir,
      env: {},
      limits: { memoryMb: 256, maxRestarts: 5 },
      startup: 'lazy',
      ...POLICY,
      requiresCore: '^0.1.0',
    });
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'id',
      'version',
      'displayName',
      'description',
      'transport',
      'command',
      'args',
      'cwd',
      'env',
      'limits',
      'startup',
      'auth',
      'scopes',
      'quotas',
      'enabled',
      'metadata',
      'requiresCore',
    ]);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('src/server.ts serves the hello tool over the SDK stdio transport, logging to stderr only', async () => {
    const dir = join(tmp.path, 'weather');
    await runCli(['new', 'weather', '--dir', dir]);
    const server = await read(dir, 'src/server.ts');
    expect(server.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(server).toContain("import { McpServer } from '@modelcontextprotocol/server';");
    expect(server).toContain("import { serveStdio } from '@modelcontextprotocol/server/stdio';");
    expect(server).toContain('const CONNECTOR_ID = "weather";');
    expect(server).toContain('inputSchema: z.object({ name: z.string()');
    expect(server).toContain('Hello, ${name}! (brAInwav connector ${CONNECTOR_ID})');
    expect(server).not.toContain('console.log');
    const test = await read(dir, 'test/server.test.ts');
    expect(test).toContain("import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';");
    expect(test).toContain('text: "Hello, Ada! (brAInwav connector weather)"');
  });

  it('package.json: ESM, start/test scripts, a bin, versions pinned to the lockfile', async () => {
    const dir = join(tmp.path, 'weather');
    await runCli(['new', 'weather', '--dir', dir]);
    expect(await readJson(dir, 'package.json')).toStrictEqual({
      name: 'cortex-connector-weather',
      version: '0.1.0',
      description: 'brAInwav MCP connector weather (stdio)',
      type: 'module',
      license: 'UNLICENSED',
      bin: { 'cortex-connector-weather': './dist/server.js' },
      files: ['dist'],
      engines: { node: '>=20' },
      scripts: {
        start: 'tsx src/server.ts',
        test: 'vitest run',
        build: 'tsc -p tsconfig.json',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        prepublishOnly: 'npm run build && npm test',
      },
      dependencies: { '@modelcontextprotocol/server': '2.4.0', tsx: '4.23.15', zod: '4.6.7' },
      devDependencies: {
        '@modelcontextprotocol/client': '2.4.0',
        '@types/node': '20.19.43',
        typescript: '5.9.3',
        vitest: '4.1.12',
      },
    });
    const tsconfig = (await readJson(dir, 'tsconfig.json')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ module: 'NodeNext', strict: true, outDir: 'dist' });
  });

  it('defaults --dir to ./connectors/<id> under the working directory', async () => {
    const result = await runCli(['new', 'notes'], { cwd: tmp.path });
    expect(result.code).toBe(0);
    const dir = join(tmp.path, 'connectors/notes');
    expect(result.stdout.split('\n')[0]).toBe(`Created brAInwav connector notes (stdio) in ${dir}:`);
    expect(result.stdout).toContain('  1. cd connectors/notes && npm install\n');
    expect(await listFiles(dir)).toEqual([...FILES].sort());
  });
});

describe('new: http', () => {
  it('manifest-entry.json mirrors the Streamable HTTP entries of the sample manifest', async () => {
    const dir = join(tmp.path, 'search');
    const result = await runCli(['new', 'search', '--transport', 'http', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`Created brAInwav connector search (http) in ${dir}:`);
    const entry = await readJson(dir, 'manifest-entry.json');
    expect(entry).toStrictEqual({
      id: 'search',
      version: '0.1.0',
      displayName: 'Search',
      description: 'brAInwav connector search (http), scaffolded by cortex-connectors new.',
      endpoint: 'http://127.0.0.1:7200/mcp',
      transport: 'streamable-http',
      auth: { type: 'none' },
      headers: {},
      scopes: ['tools:call'],
      ttlSeconds: 300,
      quotas: { perMinute: 60, perHour: 1000 },
      enabled: true,
      metadata: { brand: 'brAInwav' },
      requiresCore: '^0.1.0',
    });
    const sample = JSON.parse(await readFile(join(REPO_ROOT, 'config/connectors.manifest.json'), 'utf8')) as {
      connectors: Record<string, unknown>[];
    };
    const sampleKeys = Object.keys(sample.connectors[0] ?? {});
    expect(Object.keys(entry as object)).toEqual([...sampleKeys, 'requiresCore']);
  });

  it('--port sets the endpoint; src/server.ts uses createMcpHandler with a Host check on PORT', async () => {
    const dir = join(tmp.path, 'search');
    expect(
      (await runCli(['new', 'search', '--transport', 'http', '--port', '7310', '--dir', dir])).code,
    ).toBe(0);
    expect(((await readJson(dir, 'manifest-entry.json')) as { endpoint: string }).endpoint).toBe(
      'http://127.0.0.1:7310/mcp',
    );
    const server = await read(dir, 'src/server.ts');
    expect(server).toContain('createMcpHandler(() => createServer()');
    expect(server).toContain('hostHeaderValidationResponse(request, ALLOWED_HOSTS)');
    expect(server).toContain("const PORT = Number(process.env.PORT ?? '0');");
    expect(server).toContain('listening on http://${HOST}:${port}${MCP_PATH}');
    expect(server).not.toContain('serveStdio');
    const test = await read(dir, 'test/server.test.ts');
    expect(test).toContain(
      "import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';",
    );
    expect(await read(dir, 'README.md')).toContain('`PORT=7310 npm start`');
  });
});

describe('new: --json', () => {
  it('prints { dir, files, manifestEntry } matching what was written', async () => {
    const dir = join(tmp.path, 'search');
    const result = await runCli(['new', 'search', '--transport', 'http', '--dir', dir, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['dir', 'files', 'manifestEntry']);
    expect(json.dir).toBe(dir);
    expect(json.files).toEqual(FILES);
    expect(json.manifestEntry).toStrictEqual(await readJson(dir, 'manifest-entry.json'));
    expect(json.manifestEntry).toStrictEqual(
      manifestEntry({ id: 'search', transport: 'http', dir, port: 7200 }),
    );
  });
});

describe('new: id and option validation', () => {
  it.each(['Bad_Id', 'a_b', '-lead', 'trail-', 'UPPER', 'x'.repeat(33), ''])(
    'id %j is a usage error naming the pattern, exit 64, nothing written',
    async (id) => {
      const result = await runCli(['new', '--', id], { cwd: tmp.path });
      expect(result.code).toBe(EXIT.USAGE);
      expect(result.stdout).toBe('');
      const first = result.stderr.split('\n')[0];
      expect(first).toBe(
        `brAInwav: new: connector id must match ${CONNECTOR_ID_PATTERN.source} (got ${JSON.stringify(id)})`,
      );
      expect(result.stderr).toContain('Usage: cortex-connectors new <id>');
      expect(await readdir(tmp.path)).toEqual([]);
    },
  );

  it.each([
    [['new'], 'brAInwav: new: missing <id>'],
    [['new', 'a', 'b'], 'brAInwav: new: too many arguments (expected at most 1, got 2)'],
    [['new', 'a', '--transport', 'sse'], 'brAInwav: new: --transport must be stdio or http (got "sse")'],
    [['new', 'a', '--port', '0'], 'brAInwav: new: --port must be an integer >= 1 (got "0")'],
    [['new', 'a', '--port', '70000'], 'brAInwav: new: --port must be an integer <= 65535 (got 70000)'],
    [['new', 'a', '--bogus'], "brAInwav: new: Unknown option '--bogus'"],
  ])('%j is a usage error', async (argv, message) => {
    const result = await runCli(argv, { cwd: tmp.path });
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(await readdir(tmp.path)).toEqual([]);
  });

  it('ids at the pattern limits are accepted (1 and 32 characters)', async () => {
    for (const id of ['a', `a${'-b'.repeat(15)}c`]) {
      expect(id.length === 1 || id.length === 32).toBe(true);
      const result = await runCli(['new', id, '--dir', join(tmp.path, id), '--json']);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { manifestEntry: { id: string } }).manifestEntry.id).toBe(id);
    }
  });
});

describe('new: target directory', () => {
  it('refuses a non-empty directory without --force (exit 1), leaving it untouched', async () => {
    const dir = join(tmp.path, 'busy');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"mine":true}\n');
    const result = await runCli(['new', 'busy', '--dir', dir]);
    expect(result.code).toBe(EXIT.FAILURE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `brAInwav: new: target directory ${dir} is not empty (1 entries); choose another --dir or pass --force to overwrite the scaffold's files\n`,
    );
    expect(await readdir(dir)).toEqual(['package.json']);
    expect(await read(dir, 'package.json')).toBe('{"mine":true}\n');
  });

  it('--force writes into it: the scaffold files are overwritten, other files kept', async () => {
    const dir = join(tmp.path, 'busy');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"mine":true}\n');
    await writeFile(join(dir, 'NOTES.md'), 'keep me\n');
    const result = await runCli(['new', 'busy', '--dir', dir, '--force']);
    expect(result.code).toBe(0);
    expect(((await readJson(dir, 'package.json')) as { name: string }).name).toBe('cortex-connector-busy');
    expect(await read(dir, 'NOTES.md')).toBe('keep me\n');
    expect(await listFiles(dir)).toEqual([...FILES, 'NOTES.md'].sort());
  });

  it('an existing empty directory is fine without --force', async () => {
    const dir = join(tmp.path, 'empty');
    await mkdir(dir);
    expect((await runCli(['new', 'empty', '--dir', dir])).code).toBe(0);
    expect(await listFiles(dir)).toEqual([...FILES].sort());
  });

  it('a target that is a file is a branded error, exit 1, even with --force', async () => {
    const file = join(tmp.path, 'file');
    await writeFile(file, 'x');
    const result = await runCli(['new', 'file', '--dir', file, '--force']);
    expect(result.code).toBe(EXIT.FAILURE);
    expect(result.stderr).toBe(`brAInwav: new: target ${file} exists and is not a directory\n`);
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});

describe('scaffold: pinned versions and pure generation', () => {
  it('SCAFFOLD_VERSIONS are the versions pnpm-lock.yaml resolves', async () => {
    const lock = await readFile(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8');
    for (const [name, version] of Object.entries(SCAFFOLD_VERSIONS)) {
      const key = name.startsWith('@') ? `'${name}@${version}'` : `${name}@${version}`;
      expect(lock, `${name}@${version} in pnpm-lock.yaml`).toContain(`\n  ${key}:`);
    }
  });

  it('scaffoldFiles is pure and names the same files for both transports', () => {
    const stdio = scaffoldFiles({ id: 'x1', transport: 'stdio', dir: '/srv/x1', port: 7200 });
    const http = scaffoldFiles({ id: 'x1', transport: 'http', dir: '/srv/x1', port: 7200 });
    expect(stdio.map((file) => file.path)).toEqual(FILES);
    expect(http.map((file) => file.path)).toEqual(FILES);
    expect(stdio.find((file) => file.path === 'src/server.ts')?.content).not.toBe(
      http.find((file) => file.path === 'src/server.ts')?.content,
    );
    expect(JSON.parse(stdio.at(-1)?.content ?? '{}')).toMatchObject({
      args: ['tsx', '/srv/x1/src/server.ts'],
      cwd: '/srv/x1',
    });
  });
});
