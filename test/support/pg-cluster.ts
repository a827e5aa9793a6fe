import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for one test run: initdb into a temp directory, start on a
 * free loopback port, stop and delete on `stop()`. Assumes no running service. As root the
 * server binaries run as the `postgres` user (initdb refuses root).
 * @see ../../../shared/recipes.md "A throwaway PostgreSQL 15 for tests"
 */
export interface PgCluster {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): void;
}

export function findPgBin(): string | undefined {
  if (process.env['PG_BIN'] && existsSync(join(process.env['PG_BIN'], 'initdb'))) return process.env['PG_BIN'];
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** `durable: false` turns fsync off: only for speed-only suites, never for crash tests. */
export async function startPgCluster(opts: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (install postgresql, or set PG_BIN)');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', full, ...args], { cwd: '/tmp', encoding: 'utf8' }) : spawnSync(full, args, { cwd: '/tmp', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'pgtest.'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const settings = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c max_connections=200'];
  if (opts.durable === false) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-o', settings.join(' '), 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, stop };
}

/** Creates an empty database in the cluster and returns its URL. */
export function createDatabase(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  execFileSync('psql', ['-h', u.hostname, '-p', u.port, '-U', 'postgres', '-d', 'postgres', '-q', '-c', `create database "${name}"`], { stdio: 'pipe' });
  u.pathname = `/${name}`;
  return u.toString();
}
