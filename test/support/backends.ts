import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createDatabase, startPgCluster, type PgCluster } from './pg-cluster.ts';

/**
 * The databases every storage-touching test runs on. SQLite gets a fresh file per call;
 * PostgreSQL a fresh database in the run's throwaway cluster — the one `npm test` started
 * (PROFILED_TEST_PG_URL), or, when a file is run on its own, one this process starts.
 */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty database; removed when the test process ends. */
  freshDatabase(): Promise<string>;
}

let ownCluster: Promise<PgCluster> | undefined;
const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
// stop() is synchronous, so it can run on exit, after every hook of every suite.
let clusterToStop: PgCluster | undefined;
process.once('exit', () => clusterToStop?.stop());

async function pgAdminUrl(): Promise<string> {
  const fromRunner = process.env['PROFILED_TEST_PG_URL'];
  if (fromRunner) return fromRunner;
  ownCluster ??= startPgCluster();
  clusterToStop = await ownCluster;
  return clusterToStop.url;
}

export const sqlite: Backend = {
  name: 'sqlite',
  async freshDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'profiled-test-'));
    tempDirs.push(dir);
    return `sqlite:${join(dir, 'profiled.db')}`;
  },
};

export const postgres: Backend = {
  name: 'postgres',
  async freshDatabase() {
    return createDatabase(await pgAdminUrl(), `t_${randomBytes(6).toString('hex')}`);
  },
};

export const backends: readonly Backend[] = [sqlite, postgres];
