import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry) && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

const serverSources = sources(join(root, 'packages/server/src'));
const allSources = [...sources(join(root, 'packages/core/src')), ...serverSources, ...sources(join(root, 'packages/client/src'))];

describe('architecture rules the import lint cannot see', () => {
  it('config/load.ts is the only reader of process.env', () => {
    const readers = allSources.filter((f) => readFileSync(f, 'utf8').includes('process.env')).map((f) => relative(root, f));
    assert.deepEqual(readers, ['packages/server/src/config/load.ts']);
  });

  it('SQL is parameterised: no query text is built by string interpolation', () => {
    for (const file of serverSources.filter((f) => f.includes('/storage/'))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /sql\.raw\(`[^`]*\$\{/, `${relative(root, file)} interpolates into raw SQL`);
      assert.doesNotMatch(text, /\.(prepare|query)\(`[^`\n]*\$\{/, `${relative(root, file)} interpolates into a query string`);
    }
  });

  it('source files stay small (one idea each)', () => {
    const big = allSources.map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    assert.deepEqual(big, []);
  });

  it('nothing imports a database driver outside its storage backend folder', () => {
    for (const file of allSources) {
      const text = readFileSync(file, 'utf8');
      if (/storage\/(sqlite|postgres)\//.test(file)) continue;
      assert.doesNotMatch(text, /from '(pg|better-sqlite3)'/, `${relative(root, file)} imports a driver`);
    }
  });
});
