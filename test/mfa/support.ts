import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../packages/server/src/service/index.ts';
import type { TestServer, TestUser } from '../support/server.ts';

/** What an authenticator app shows at `ms` for this secret (RFC 6238, SHA-1, 6 digits, 30 s). */
export const codeAt = (secret: string, ms: number) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });

/** A clock the test sets: it starts 1 s into a 30-second step, so a step is the unit tests move by. */
export function stepClock(): Clock & { ms(): number; step(n: number): void } {
  let at = Math.floor(Date.now() / 30_000) * 30_000 + 1000;
  return { now: () => new Date(at), ms: () => at, step: (n) => (at += n * 30_000) };
}

export const mailDir = () => mkdtempSync(join(tmpdir(), 'profiled-mfa-mail-'));

export const form = (fields: Record<string, string>) => ({ raw: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });

/** The password grant, with `otp` when given. */
export const passwordGrant = (server: TestServer, username: string, password: string, otp?: string, headers: Record<string, string> = {}) =>
  server.request('POST', '/oauth/token', { ...form({ grant_type: 'password', username, password, ...(otp !== undefined ? { otp } : {}) }), headers });

/** Sets up an authenticator app for the user through the API; answers its secret and recovery codes. */
export async function enrolTotp(server: TestServer, user: TestUser, clock: { ms(): number }): Promise<{ secret: string; recovery_codes: string[] }> {
  const start = await server.request('POST', '/v1/me/mfa/totp', { token: user.token, body: { current_password: user.password } });
  if (start.status !== 200) throw new Error(`enrol: ${start.status} ${start.text}`);
  const { secret } = start.body as { secret: string };
  const confirm = await server.request('POST', '/v1/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(secret, clock.ms()) } });
  if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${confirm.text}`);
  return { secret, recovery_codes: (confirm.body as { recovery_codes: string[] }).recovery_codes };
}

const decodeEntities = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** A page of the sign-in form as a browser without script holds it: its HTML and the CSRF cookie. */
export interface FormPage {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
  readonly cookie: string;
}

/** GETs the authorization endpoint's sign-in form. */
export async function openSignIn(url: string): Promise<FormPage> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

/** Posts the (first) form of `page` with its hidden fields and these, to its own action. */
export async function submit(page: FormPage, base: string, fields: Record<string, string>): Promise<FormPage> {
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`no form on the page: ${page.html.slice(0, 300)}`);
  const hidden = Object.fromEntries([...page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]));
  const res = await fetch(new URL(decodeEntities(action), base), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie, origin: new URL(base).origin },
    body: new URLSearchParams({ ...hidden, ...fields }),
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), cookie: page.cookie };
}
