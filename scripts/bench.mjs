#!/usr/bin/env node
// `pnpm bench`: runs every package's `bench` target (each measures a target beside its baseline) and writes
// results under verification/<package>/.
import { pnpmOrExit } from './lib/pnpm.mjs';

pnpmOrExit(['nx', 'run-many', '-t', 'build', '--outputStyle=stream'], 'build');
pnpmOrExit(['nx', 'run-many', '-t', 'bench', '--parallel=1', '--outputStyle=stream'], 'bench');
console.log('\nbrAInwav bench ▸ results written under verification/');
