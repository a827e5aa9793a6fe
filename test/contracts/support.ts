import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../support/backends.ts';
import { freePort } from '../support/pg-cluster.ts';

/**
 * The contract suite's harness: the real `profiled` process with NO configuration beyond
 * where to listen and which database to use — what a fresh install runs, so a seed's client
 * sees exactly what the defaults give it. The environment holds PATH, HOME, DATABASE_URL
 * and PORT only (no PUBLIC_URL, LOG_LEVEL, VERIFY_CHANGES …), and the working directory is a
 * fresh temp directory, so relative defaults (./data/mail) land there.
 */

const BIN = new URL('../../packages/server/bin/profiled.js', import.meta.url).pathname;
export const PASSWORD = 'Correct-Horse-Battery-9';

export interface Answer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface SendOptions {
  readonly token?: string;
  /** Serialized with JSON.stringify. */
  readonly body?: unknown;
  /** Sent exactly as given (a seed's example verbatim, or bytes that are not UTF-8). */
  readonly raw?: string | Uint8Array<ArrayBuffer>;
  readonly contentType?: string;
  /** Further request headers (If-Match, If-None-Match …). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ContractUser {
  readonly id: string;
  readonly email: string;
  readonly username: string;
  readonly profileId: string;
  readonly token: string;
}

export interface ContractServer {
  readonly url: string;
  send<T = any>(method: string, path: string, opts?: SendOptions): Promise<Answer<T>>;
  /** `profiled <args>` against the same database, same minimal environment; its JSON output. */
  cli<T = any>(...args: string[]): Promise<T>;
  /** `profiled user create …`, then a token from POST /oauth/token (grant_type=password). */
  createUser(opts: { email: string; displayName: string; kind?: 'human' | 'service' | 'admin' }): Promise<ContractUser>;
  close(): Promise<void>;
}

function minimalEnv(databaseUrl: string, port?: number): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', DATABASE_URL: databaseUrl };
  if (port !== undefined) env['PORT'] = String(port);
  return env;
}

/** A fresh database of `backend`, a fresh working directory, and `profiled serve` on a free port. */
export async function startContractServer(backend: Backend): Promise<ContractServer> {
  const databaseUrl = await backend.freshDatabase();
  const cwd = mkdtempSync(join(tmpdir(), 'profiled-contract-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env: minimalEnv(databaseUrl, port), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let up = false;
  for (let i = 0; i < 600 && !up; i++) {
    if (child.exitCode !== null) throw new Error(`profiled serve exited early: ${stderr}`);
    up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`profiled serve did not come up: ${stderr}`);
  }

  async function send<T>(method: string, path: string, o: SendOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    const res = await fetch(url + path, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async function cli<T>(...args: string[]): Promise<T> {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: minimalEnv(databaseUrl), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number>((resolve) => p.once('exit', (c) => resolve(c ?? 1)));
    if (code !== 0) throw new Error(`profiled ${args.join(' ')} → exit ${code}: ${err}`);
    return JSON.parse(out) as T;
  }

  async function createUser(opts: { email: string; displayName: string; kind?: 'human' | 'service' | 'admin' }): Promise<ContractUser> {
    const account = await cli<{ id: string; username: string; profile_id: string }>('user', 'create', '--email', opts.email, '--password', PASSWORD, '--display-name', opts.displayName, ...(opts.kind ? ['--kind', opts.kind] : []));
    const res = await send<{ access_token: string }>('POST', '/oauth/token', {
      raw: new URLSearchParams({ grant_type: 'password', username: opts.email, password: PASSWORD }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(res.status, 200, `token for ${opts.email}: ${res.text}`);
    return { id: account.id, email: opts.email, username: account.username, profileId: account.profile_id, token: res.body.access_token };
  }

  async function close() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(cwd, { recursive: true, force: true });
  }

  return { url, send, cli, createUser, close };
}

/** The listed `GET /api/public/countries` entry for an ISO alpha-2 code (no sign-in needed). */
export async function nexudusCountry(server: ContractServer, code: string): Promise<{ Id: number; Name: string; TwoDigitsCode: string; Culture: string }> {
  const res = await server.send<{ Countries: { Id: number; Name: string; TwoDigitsCode: string; Culture: string }[] }>('GET', '/api/public/countries');
  assert.equal(res.status, 200);
  const found = res.body.Countries.find((c) => c.TwoDigitsCode === code);
  assert.ok(found, `GET /api/public/countries lists ${code}`);
  return found;
}

/** The names of a dialect's mapping table a request may write (its read-only lines left out). */
export const writableWireNames = (table: readonly { wire: string; readOnly?: boolean }[], except: readonly string[] = []): string[] =>
  table.filter((w) => !w.readOnly && !except.includes(w.wire)).map((w) => w.wire);

/** Asserts `values` gives a value to exactly the names of the table, so a field added there must get one here. */
export function assertCovers(values: Readonly<Record<string, unknown>>, names: readonly string[]): void {
  assert.deepEqual(Object.keys(values).sort(), [...names].sort(), 'the round trip sets every writable wire field of the mapping table (add a value for a new field)');
}

/** `obj` restricted to `keys`, for a diff that names only the fields a test is about. */
export const pick = (obj: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, obj[k]]));
