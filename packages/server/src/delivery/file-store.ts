import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const fileName = (key: string) => `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

/**
 * Writes one delivered message as `<key>.json`: through a temporary file and a rename, so a
 * reader never sees half a message, and a repeat with the same key replaces itself.
 */
export function storeJson(dir: string, key: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName(key));
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The messages in `dir`, newest first by their `date`; none when the folder does not exist yet. */
export function listStoredJson<T extends { readonly date: string }>(dir: string, limit: number): T[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as T)
    .sort((a, b) => b.date.localeCompare(a.date))
    .slice(0, limit);
}
