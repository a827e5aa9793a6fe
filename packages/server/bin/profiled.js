#!/usr/bin/env node
// The `profiled` command. It runs the bundle built by `npm install` / `npm start`
// (packages/server/dist/profiled.mjs) while that is newer than every source file, and the
// TypeScript sources through tsx otherwise, so an edit never runs stale code.
// PROFILED_FROM_SOURCE=1 forces the sources.
import { bundle, bundleIsFresh } from './bundle.js';

let main;
if (process.env.PROFILED_FROM_SOURCE !== '1' && bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
