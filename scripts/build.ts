/**
 * Builds the member portal (Vite, into packages/portal/dist, which the server serves at `/`)
 * and bundles the server and CLI into packages/server/dist/profiled.mjs (dependencies stay
 * external). Runs on `npm install` (prepare) and before `npm start`; bin/profiled.js uses the
 * bundle while it is newer than every source file, and the TypeScript through tsx otherwise.
 * Running compiled JavaScript spares tsx's loader thread: ~50 MB less memory per process.
 */
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
await build({
  entryPoints: [`${root}packages/server/src/cli/main.ts`],
  outfile: `${root}packages/server/dist/profiled.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  packages: 'external',
  // Workspace packages are TypeScript sources: bundle them rather than import them at run time.
  alias: { '@profiled/core': `${root}packages/core/src/index.ts` },
  banner: { js: "import { createRequire as __profiledCreateRequire } from 'node:module';\nconst require = __profiledCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The directory's reader threads (storage/sqlite/readers.ts) load this file beside the bundle.
await build({
  entryPoints: [`${root}packages/server/src/storage/sqlite/search-worker.ts`],
  outfile: `${root}packages/server/dist/search-worker.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
process.stdout.write('built packages/server/dist/profiled.mjs and search-worker.mjs\n');

// Vite is loaded only here, so the server never pulls the build tool in at run time.
const vite = await import('vite');
await vite.build({ root: `${root}packages/portal`, configFile: `${root}packages/portal/vite.config.ts`, logLevel: 'warn' });
process.stdout.write('built packages/portal/dist\n');
