import { availableParallelism } from 'node:os';
import { ProfiledError } from '@profiled/core';
import type { CompiledQuery } from 'kysely';
import { Piscina } from 'piscina';
import type { DirectoryReader } from '../sql/repos-profiles.ts';
import type { ReaderData, ReadTask } from './search-worker.ts';

export interface ReaderPoolOptions {
  readonly path: string;
  /** Threads, each with its own read-only connection; default: one per core. */
  readonly threads?: number;
  /** Searches that may wait for a thread; one more is refused with `directory.busy`. */
  readonly queue?: number;
}

export interface ReaderPool {
  readonly read: DirectoryReader;
  /** Searches waiting for a thread now. */
  readonly waiting: () => number;
  close(): Promise<void>;
}

/**
 * The worker runs from the sources (through tsx, handed to the thread explicitly, since the
 * `profiled` bin registers tsx in-process) or from the bundle's copy beside profiled.mjs.
 */
function workerFile(): { filename: string; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts')) return { filename: new URL('./search-worker.ts', import.meta.url).href, execArgv: ['--import', import.meta.resolve('tsx')] };
  return { filename: new URL('./search-worker.mjs', import.meta.url).href, execArgv: [] };
}

/** Piscina's refusals: the queue is full, or there is none and every thread is busy. */
const REFUSED = new Set(['Task queue is at limit', 'No task queue available and all Workers are busy']);

/**
 * SQLite directory queries on worker threads (issue 20): a fixed number of threads, a
 * bounded queue, and a full queue refused at once (503 with Retry-After in every dialect)
 * rather than left to grow without limit.
 */
export function createReaderPool(opts: ReaderPoolOptions): ReaderPool {
  const threads = opts.threads ?? availableParallelism();
  const { filename, execArgv } = workerFile();
  const pool = new Piscina<ReadTask, Record<string, unknown>[]>({
    filename,
    execArgv,
    workerData: { path: opts.path } satisfies ReaderData,
    minThreads: threads,
    maxThreads: threads,
    maxQueue: opts.queue ?? 256,
    // A reader holds a statement cache and one page of rows at a time: a small heap will do,
    // and each thread's heap counts in the server's memory.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 },
  });
  return {
    async read(query: CompiledQuery) {
      try {
        return await pool.run({ sql: query.sql, parameters: query.parameters });
      } catch (err) {
        if (err instanceof Error && REFUSED.has(err.message)) {
          throw new ProfiledError('directory.busy', { retryAfter: 1 });
        }
        throw err;
      }
    },
    waiting: () => pool.queueSize,
    // Searches already handed to a thread finish (the server has stopped taking requests).
    close: () => pool.close(),
  };
}
