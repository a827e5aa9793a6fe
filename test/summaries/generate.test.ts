import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends, sqlite } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';

const PRIVATE = { email: 'secret.person@example.com', mobile_phone: '+44 20 7946 0958', city: 'Secretville', street: '1 Hidden Lane', date_of_birth: '1980-04-02', billing_email: 'bills@example.com', tax_id: 'DE999999999' };
const generate = (server: TestServer, user: TestUser) => server.request('POST', '/v1/me/profile/summary:generate', { token: user.token });

for (const backend of backends) {
  describe(`offline summary writer (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('writes from the professional fields, differently for different people, and never saves', async () => {
      const people = [
        { display_name: 'Ada Lovelace', position: 'Analyst', company_name: 'Analytical Engines', business_area: 'Mathematics', tags: ['algorithms', 'poetry'] },
        { display_name: 'Grace Hopper', position: 'Compiler engineer', company_name: 'Remington Rand', business_area: 'Programming languages', tags: ['COBOL'] },
        { display_name: 'Alan Kay', position: 'Researcher', company_name: '', business_area: null, tags: [] },
        { display_name: 'Margaret Hamilton', position: null, company_name: 'MIT', business_area: 'Software engineering', tags: ['reliability', 'flight software', 'testing'] },
      ];
      const texts: string[] = [];
      for (const person of people) {
        const user = await server.createUser();
        const saved = await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { ...person, ...PRIVATE, email: `${Math.random().toString(36).slice(2)}@example.com` } });
        assert.equal(saved.status, 200, saved.text);
        const before = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
        const res = await generate(server, user);
        assert.equal(res.status, 200, res.text);
        const text: string = res.body.summary;
        texts.push(text);
        assert.equal(res.body.provider, 'offline');
        assert.ok(text.includes(person.display_name));
        if (person.position) assert.ok(text.toLowerCase().includes(person.position.toLowerCase()));
        if (person.company_name) assert.ok(text.includes(person.company_name));
        for (const tag of person.tags) assert.ok(text.includes(tag));
        assert.doesNotMatch(text, /null|undefined|\s\./);
        assert.match(text.trim(), /[.!]$/);
        for (const secret of [...Object.values(PRIVATE), before.email]) assert.ok(!text.includes(secret), `private data in summary: ${secret}`);
        assert.match(res.body.summary_html, /^<p>/);
        const after = (await server.request('GET', '/v1/me/profile', { token: user.token })).body;
        assert.equal(after.version, before.version, 'generating never saves');
        assert.equal(after.summary, before.summary);
      }
      assert.equal(new Set(texts).size, texts.length);
      assert.match(texts[0]!, /an analyst/i, 'English articles agree');
    });

    it('writes German for a profile whose preferred language is German', async () => {
      const user = await server.createUser();
      await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { display_name: 'Konrad Zuse', position: 'Ingenieur', company_name: 'Zuse KG', business_area: 'Rechenmaschinen', tags: ['Plankalkül', 'Relais'], preferred_language: 'de-DE' } });
      const res = await generate(server, user);
      assert.equal(res.status, 200);
      assert.match(res.body.summary, /Konrad Zuse (ist|arbeitet als) Ingenieur bei Zuse KG|Als Ingenieur bei Zuse KG/);
      assert.match(res.body.summary, /Plankalkül und Relais/);
      assert.doesNotMatch(res.body.summary, /\b(is|works|their)\b/);
    });
  });
}

/** A local OpenAI-compatible server: records what it was asked, answers as told. */
function fakeProvider(respond: (body: Record<string, unknown>, req: IncomingMessage) => { status?: number; body?: string; delayMs?: number }) {
  const seen: { body: Record<string, unknown>; auth: string | undefined; path: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ body, auth: req.headers.authorization, path: req.url });
      const answer = respond(body, req);
      setTimeout(() => {
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  return {
    seen,
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`))),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const completion = (content: string) => JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

describe('OpenAI-compatible summary provider, against a local fake', () => {
  let mode: 'ok' | 'slow' | 'fail' | 'garbage' | 'hostile' = 'ok';
  const fake = fakeProvider(() => {
    if (mode === 'slow') return { delayMs: 1500, body: completion('late') };
    if (mode === 'fail') return { status: 500, body: '{"error":{"message":"boom"}}' };
    if (mode === 'garbage') return { body: 'not json' };
    if (mode === 'hostile') return { body: completion(`Nice person.\u0000 <script>alert(1)</script> [x](javascript:alert(1)) ${'y'.repeat(12_000)}`) };
    return { body: completion('Ada Lovelace is an analyst at **Analytical Engines**.') };
  });
  let server: TestServer;
  let user: TestUser;
  before(async () => {
    const baseUrl = await fake.start();
    server = await startServer(sqlite, { config: { aiBaseUrl: baseUrl, aiApiKey: 'sk-test-key', aiModel: 'test-model', aiTimeoutMs: 400, summaryRateLimit: 100 } });
    user = await server.createUser();
    await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { display_name: 'Ada Lovelace', position: 'Analyst', company_name: 'Analytical Engines', tags: ['math'], ...PRIVATE, email: undefined } });
  });
  after(async () => {
    await server.close();
    await fake.stop();
  });

  it('sends a chat-completions request with the model, the key and professional facts only', async () => {
    mode = 'ok';
    const res = await generate(server, user);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary, 'Ada Lovelace is an analyst at **Analytical Engines**.');
    assert.equal(res.body.provider, 'openai-compatible');
    const call = fake.seen.at(-1)!;
    assert.equal(call.path, '/v1/chat/completions');
    assert.equal(call.auth, 'Bearer sk-test-key');
    assert.equal(call.body['model'], 'test-model');
    const messages = call.body['messages'] as { role: string; content: string }[];
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
    const prompt = JSON.stringify(call.body);
    assert.ok(prompt.includes('Analytical Engines') && prompt.includes('math'));
    for (const secret of [...Object.values(PRIVATE), user.email]) assert.ok(!prompt.includes(secret), `private data reached the prompt: ${secret}`);
  });

  it('a provider that takes too long → 504 summary.timeout', async () => {
    mode = 'slow';
    const res = await generate(server, user);
    assert.equal(res.status, 504);
    assert.equal(res.body.code, 'summary.timeout');
  });

  it('a failing or garbled provider → 502 summary.provider_failed', async () => {
    for (const m of ['fail', 'garbage'] as const) {
      mode = m;
      const res = await generate(server, user);
      assert.equal(res.status, 502, m);
      assert.equal(res.body.code, 'summary.provider_failed');
    }
  });

  it('provider output is untrusted: control characters dropped, length capped, HTML rendered harmless', async () => {
    mode = 'hostile';
    const res = await generate(server, user);
    assert.equal(res.status, 200);
    assert.ok([...res.body.summary].length <= 10_000);
    assert.ok(!res.body.summary.includes('\u0000'));
    assert.doesNotMatch(res.body.summary_html, /<script|href="javascript:/i);
  });
});

describe('summary generation is rate limited per account', () => {
  it('the third generation within the hour → 429 with Retry-After', async () => {
    const server = await startServer(sqlite, { config: { summaryRateLimit: 2 } });
    try {
      const user = await server.createUser();
      assert.equal((await generate(server, user)).status, 200);
      assert.equal((await generate(server, user)).status, 200);
      const third = await generate(server, user);
      assert.equal(third.status, 429);
      assert.equal(third.body.code, 'summary.rate_limited');
      assert.ok(Number(third.headers.get('retry-after')) > 0);
      const other = await server.createUser();
      assert.equal((await generate(server, other)).status, 200, 'another account is not affected');
    } finally {
      await server.close();
    }
  });
});
