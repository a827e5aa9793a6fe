import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Registry } from '@profiled/core';
import { loadConfig, type Config } from '../../packages/server/src/config/load.ts';
import { createApp, type App } from '../../packages/server/src/http/app.ts';
import type { Clock } from '../../packages/server/src/service/index.ts';
import type { Backend } from './backends.ts';

export const PASSWORD = 'Correct-Horse-Battery-9';

export interface Response<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** A raw body string, sent as is. */
  readonly raw?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface TestServer {
  readonly url: string;
  readonly app: App;
  readonly databaseUrl: string;
  /** Every log line the server wrote, for log-hygiene assertions. */
  readonly logs: string[];
  request<T = any>(method: string, path: string, opts?: RequestOptions): Promise<Response<T>>;
  /** Creates a human account (default org unless given) and returns it with its credentials. */
  createUser(opts?: { email?: string; username?: string; password?: string; org?: string; displayName?: string }): Promise<TestUser>;
  login(login: string, password?: string): Promise<{ access_token: string; refresh_token: string }>;
  close(): Promise<void>;
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly username: string;
  readonly password: string;
  readonly profileId: string;
  readonly token: string;
  readonly refreshToken: string;
}

let counter = 0;

/** A loopback port free right now, for a server whose public URL must name its port (OpenID discovery). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the real server on a fresh database of `backend`, listening on a loopback port. */
export async function startServer(
  backend: Backend,
  opts: { config?: Partial<Config>; registry?: Registry; clock?: Clock; databaseUrl?: string; port?: number } = {},
): Promise<TestServer> {
  const databaseUrl = opts.databaseUrl ?? (await backend.freshDatabase());
  const logs: string[] = [];
  // Every secret this harness handles; none may ever appear in a log line (checked on close).
  const secrets = new Set<string>([PASSWORD]);
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // Mail goes to a directory of the test's own unless a test says otherwise (issue 10's file transport).
  const mailDir = mkdtempSync(join(tmpdir(), 'profiled-mail-'));
  const smsDir = mkdtempSync(join(tmpdir(), 'profiled-sms-'));
  const config = loadConfig({}, { databaseUrl, port: 0, logLevel: 'info', issuer: 'http://127.0.0.1', mailDir, smsDir, ...opts.config });
  const app = await createApp({ config, logDestination: sink, ...(opts.registry ? { registry: opts.registry } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
  await app.server.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const url = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;

  async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = o.contentType ?? 'application/json';
    const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async function login(loginName: string, password = PASSWORD) {
    const res = await request('POST', '/oauth/token', { raw: new URLSearchParams({ grant_type: 'password', username: loginName, password }).toString(), contentType: 'application/x-www-form-urlencoded' });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    const pair = res.body as { access_token: string; refresh_token: string };
    secrets.add(pair.refresh_token).add(password);
    return pair;
  }

  return {
    url,
    app,
    databaseUrl,
    logs,
    request,
    login,
    async createUser(u = {}) {
      const n = `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
      const email = u.email ?? `user${n}@example.com`;
      const password = u.password ?? PASSWORD;
      const account = await app.services.accounts.createAccount({ email, password, username: u.username ?? `user${n}`, org: u.org ?? null, displayName: u.displayName ?? `User ${n}` });
      const tokens = await login(account.username, password);
      return { id: account.id, email, username: account.username, password, profileId: account.profile_id, token: tokens.access_token, refreshToken: tokens.refresh_token };
    },
    async close() {
      await app.close();
      assertNoSecretsIn(logs, secrets);
    },
  };
}

const CREDENTIAL_SHAPES = [
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/, // a JWT
  /pfd_[A-Za-z0-9_-]{20,}/, // an API key
  /access_token=(?!\[redacted\])[^&\s"]+/, // a token in a logged URL
];

/**
 * Log hygiene, checked for every server every test starts: no log line may contain a
 * password, a token, an API key or an access_token query value.
 */
export function assertNoSecretsIn(logs: readonly string[], secrets: ReadonlySet<string>): void {
  for (const line of logs) {
    for (const shape of CREDENTIAL_SHAPES) if (shape.test(line)) throw new Error(`a credential reached the log: ${line.slice(0, 300)}`);
    for (const secret of secrets) if (secret.length >= 8 && line.includes(secret)) throw new Error(`a secret reached the log: ${line.slice(0, 300)}`);
  }
}
