// Two builds into dist/:
//  1. web: dist/index.html + hashed, code-split JS (served by the connectors server at /apps/chatgpt-dashboard/,
//     publicPath 'auto' so asset URLs stay relative);
//  2. mcp-app: dist/mcp-app.html, ONE self-contained file with every chunk and the CSS inlined (the MCP Apps
//     resource ui://connectors/dashboard.html; hosts load it in a sandboxed iframe with no network).
// The mcp-app build runs after the web build and finishes dist/ with csp.json (the CSP hashes of both pages'
// inline blocks) and, last, build-info.json (the marker the connectors server reads).
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO_FILE, hashSourceTree } from '@cortex-os/connectors-manifest/node';
import HtmlWebpackPlugin from 'html-webpack-plugin';
import webpack from 'webpack';

const here = dirname(fileURLToPath(import.meta.url));
const template = resolve(here, 'src/index.html');

/** After emit, writes mcp-app.html with the single JS asset inlined and removes the separate .js file. */
class InlineSingleFilePlugin {
  constructor(options) {
    this.options = options;
  }
  apply(compiler) {
    compiler.hooks.afterEmit.tap('InlineSingleFilePlugin', (compilation) => {
      const scripts = Object.keys(compilation.assets).filter((name) => name.endsWith('.js'));
      if (scripts.length !== 1) {
        compilation.errors.push(
          new webpack.WebpackError(`brAInwav: mcp-app build must emit one script, got ${scripts.join(', ')}`),
        );
        return;
      }
      const outDir = compilation.outputOptions.path;
      const jsPath = resolve(outDir, scripts[0]);
      const js = readFileSync(jsPath, 'utf8').replace(/<\/script/gi, '<\\/script');
      const html = readFileSync(template, 'utf8').replace(
        '</body>',
        () => `<script>${js}</script>\n  </body>`,
      );
      writeFileSync(resolve(outDir, this.options.filename), html);
      rmSync(jsPath, { force: true });
      rmSync(`${jsPath}.LICENSE.txt`, { force: true });
    });
  }
}

/** `'sha256-…'` CSP sources of every non-empty inline `<script>` / `<style>` body of `html` (no `src`). */
function inlineHashes(html, tag) {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi');
  return [...html.matchAll(re)]
    .map((m) => m[1] ?? '')
    .filter((body) => body.trim() !== '')
    .map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}

/**
 * After emit, writes dist/csp.json: for each page, the hashes of its inline scripts and styles, so the
 * connectors server sends a strict CSP without parsing or hashing HTML per request.
 */
class CspHashesPlugin {
  constructor(pages) {
    this.pages = pages;
  }
  apply(compiler) {
    compiler.hooks.afterEmit.tap('CspHashesPlugin', (compilation) => {
      const outDir = compilation.outputOptions.path;
      const csp = {};
      for (const page of this.pages) {
        const html = readFileSync(resolve(outDir, page), 'utf8');
        csp[page] = { script: inlineHashes(html, 'script'), style: inlineHashes(html, 'style') };
      }
      writeFileSync(resolve(outDir, 'csp.json'), `${JSON.stringify(csp, null, 2)}\n`);
    });
  }
}

/**
 * After emit, writes dist/build-info.json with the content hash of src/: the connectors server compares it with
 * the source it sees to tell a current bundle from a stale one (content, not mtimes).
 */
class BuildInfoPlugin {
  apply(compiler) {
    compiler.hooks.afterEmit.tapPromise('BuildInfoPlugin', async (compilation) => {
      const sourceHash = await hashSourceTree(resolve(here, 'src'));
      const info = { sourceHash, builtAt: new Date().toISOString() };
      writeFileSync(
        resolve(compilation.outputOptions.path, BUILD_INFO_FILE),
        `${JSON.stringify(info, null, 2)}\n`,
      );
    });
  }
}

/** @param {'web' | 'mcp-app'} target @param {string} mode @returns {import('webpack').Configuration} */
function config(target, mode) {
  const single = target === 'mcp-app';
  return {
    name: target,
    dependencies: single ? ['web'] : [],
    mode,
    target: 'web',
    entry: { main: resolve(here, 'src/main.tsx') },
    devtool: false,
    output: {
      path: resolve(here, 'dist'),
      publicPath: 'auto',
      filename: single ? 'mcp-app.js' : '[name].[contenthash:8].js',
      chunkFilename: '[name].[contenthash:8].js',
      clean: single ? false : { keep: /^mcp-app\./ },
    },
    resolve: {
      extensions: ['.tsx', '.ts', '.js'],
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      conditionNames: ['@cortex-os/source', 'browser', 'import', 'module', 'default'],
    },
    module: {
      rules: [
        {
          test: /\.[cm]?[jt]sx?$/,
          exclude: /node_modules/,
          loader: 'esbuild-loader',
          options: { loader: 'tsx', target: 'es2020', jsx: 'automatic' },
        },
      ],
    },
    performance: { hints: false },
    plugins: [
      new webpack.DefinePlugin({ 'process.env.NODE_ENV': JSON.stringify(mode) }),
      ...(single
        ? [
            new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }),
            new InlineSingleFilePlugin({ filename: 'mcp-app.html' }),
            new CspHashesPlugin(['index.html', 'mcp-app.html']),
            new BuildInfoPlugin(),
          ]
        : [
            new HtmlWebpackPlugin({
              template,
              filename: 'index.html',
              scriptLoading: 'defer',
              inject: 'head',
            }),
          ]),
    ],
  };
}

export default (_env, argv) => {
  const mode = argv.mode ?? 'production';
  return [config('web', mode), config('mcp-app', mode)];
};
