import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks signature: HMAC-SHA256 with the secret's key bytes over
 * `${id}.${timestamp}.${body}`, sent as `v1,<base64>` in `webhook-signature`.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface WebhookResult {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** POSTs one signed delivery; 2xx is success. Redirects are never followed. */
export async function postWebhook(url: string, secret: string, id: string, body: string, timeoutMs: number, nowMs: number): Promise<WebhookResult> {
  const timestamp = Math.floor(nowMs / 1000);
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, id, timestamp, body), 'user-agent': 'Profiled-Webhooks/1' },
      body,
    });
    await res.body?.cancel();
    const durationMs = Math.round(performance.now() - started);
    return res.status >= 200 && res.status < 300 ? { statusCode: res.status, error: null, durationMs } : { statusCode: res.status, error: `HTTP ${res.status}`, durationMs };
  } catch (err) {
    return { statusCode: null, error: (err as Error).name === 'TimeoutError' ? 'timeout' : `${(err as Error).message}`.slice(0, 200), durationMs: Math.round(performance.now() - started) };
  }
}
