import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlite } from './support/backends.ts';
import { assertNoSecretsIn, PASSWORD, startServer } from './support/server.ts';

/**
 * Every server the tests start checks its own log on close (support/server.ts). This file
 * proves the check can fail, then drives every secret-bearing path through one server.
 */
describe('log hygiene', () => {
  it('the check catches a JWT, an API key, a raw access_token and a known secret', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2ln';
    for (const line of [`{"msg":"${jwt}"}`, '{"key":"pfd_abcdefghijklmnopqrstuvwxyz"}', '{"url":"/v1/me/profile?access_token=abc"}', `{"body":"${PASSWORD}"}`]) {
      assert.throws(() => assertNoSecretsIn([line], new Set([PASSWORD])), /reached the log/);
    }
    assert.doesNotThrow(() => assertNoSecretsIn(['{"url":"/v1/me/profile?access_token=[redacted]"}'], new Set([PASSWORD])));
  });

  it('sign-in, refresh, query tokens, password changes and API keys leave no secret in the log', async () => {
    const server = await startServer(sqlite, { config: { logLevel: 'trace' } });
    const user = await server.createUser();
    await server.request('GET', `/v1/me/profile?access_token=${user.token}`);
    await server.request('POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
    await server.request('POST', '/oauth/token', { body: { grant_type: 'password', username: user.username, password: 'Wrong-Password-123' } });
    await server.request('POST', '/v1/me/password', { token: user.token, body: { current_password: PASSWORD, new_password: 'Another-Horse-Battery-7' } });
    const svc = await server.app.services.accounts.createAccount({ username: `svc-${Date.now()}`, kind: 'service' });
    const { key } = await server.app.services.accounts.createApiKey(svc.id);
    await server.request('GET', '/v1/me/profile', { token: key });
    await server.request('GET', '/v1/me/profile', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    assert.ok(server.logs.length > 5, 'the requests were logged');
    await server.close();
    assertNoSecretsIn(server.logs, new Set([key, 'Another-Horse-Battery-7', 'Wrong-Password-123', user.token, user.refreshToken]));
  });
});
