import type { CompiledRegistry } from '@profiled/core';
import type { Storage } from './port.ts';

export interface OpenStorageOptions {
  readonly url: string;
  readonly registry: CompiledRegistry;
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** SQLite: directory search threads and the queue before them (SEARCH_THREADS, SEARCH_QUEUE). */
  readonly searchThreads?: number;
  readonly searchQueue?: number;
  readonly now: () => string;
}

/**
 * Opens the store a database URL names: `sqlite:<path>` (or `sqlite::memory:`) or
 * `postgres://…`. Each backend is imported only when used, so its driver loads only then.
 */
export async function openStorage(opts: OpenStorageOptions): Promise<Storage> {
  if (opts.url.startsWith('sqlite:')) {
    const { createSqliteStorage } = await import('./sqlite/index.ts');
    const path = opts.url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return createSqliteStorage({ path: path || './data/profiled.db', synchronous: opts.sqliteSynchronous, registry: opts.registry, now: opts.now, ...(opts.searchThreads !== undefined ? { searchThreads: opts.searchThreads } : {}), ...(opts.searchQueue !== undefined ? { searchQueue: opts.searchQueue } : {}) });
  }
  if (/^postgres(ql)?:\/\//.test(opts.url)) {
    const { createPostgresStorage } = await import('./postgres/index.ts');
    return createPostgresStorage({ url: opts.url, registry: opts.registry, now: opts.now });
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

export type * from './port.ts';
