// Node 20 shim for `npx @modelcontextprotocol/conformance@0.1.16` (loaded with `NODE_OPTIONS=--import <this file>`).
// Its bundle imports `globSync` from `fs` (Node >= 22; 0.1.16 declares no engines), which aborts the CLI on
// Node 20 before any command runs. Only the `tier-check` command calls it, so on a Node without `fs.globSync`
// the conformance bundle's `fs` import is pointed at `fs` plus a `globSync` that throws. Nothing else changes.
import * as fs from 'node:fs';
import { register } from 'node:module';

if (typeof fs.globSync !== 'function') register('./node20-globsync-hooks.mjs', import.meta.url);
