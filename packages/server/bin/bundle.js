// Whether packages/server/dist/profiled.mjs is newer than every source file it was built
// from: bin/profiled.js runs it then (and the sources through tsx otherwise), and the bench
// rebuilds it before a full run so it never measures tsx by accident.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const bundle = join(here, '..', 'dist', 'profiled.mjs');
const sources = [join(here, '..', 'src'), join(here, '..', '..', 'core', 'src')];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// The directory's reader threads run this file beside the bundle (storage/sqlite/readers.ts).
const worker = join(here, '..', 'dist', 'search-worker.mjs');

export function bundleIsFresh() {
  if (!existsSync(bundle) || !existsSync(worker)) return false;
  const built = statSync(bundle).mtimeMs;
  return sources.every((dir) => !existsSync(dir) || newestSource(dir) <= built);
}
