/**
 * Builds the member portal (Vite, into packages/portal/dist, which the server serves at `/`)
 * and bundles the server and CLI into packages/server/dist/profiled.mjs and its chunks
 * (dependencies stay external). Runs on `npm install` (prepare) and before `npm start`;
 * bin/profiled.js uses the bundle while it is newer than every source file, and the
 * TypeScript through tsx otherwise.
 * Running compiled JavaScript spares tsx's loader thread: ~50 MB less memory per process.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
// Chunk names change with their content: start from an empty folder.
rmSync(`${root}packages/server/dist`, { recursive: true, force: true });
await build({
  // The CLI, and the directory's reader threads (storage/sqlite/readers.ts), which load
  // search-worker.mjs beside the bundle. Split at dynamic imports: `profiled --help` and
  // commands that open nothing load none of the server (the application is imported on
  // first use, cli/app.ts), where one file imported every dependency at start-up.
  entryPoints: { profiled: `${root}packages/server/src/cli/main.ts`, 'search-worker': `${root}packages/server/src/storage/sqlite/search-worker.ts` },
  outdir: `${root}packages/server/dist`,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunk-[hash]',
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
process.stdout.write('built packages/server/dist/profiled.mjs and search-worker.mjs\n');

// Vite is loaded only here, so the server never pulls the build tool in at run time.
const vite = await import('vite');
await vite.build({ root: `${root}packages/portal`, configFile: `${root}packages/portal/vite.config.ts`, logLevel: 'warn' });
process.stdout.write('built packages/portal/dist\n');
