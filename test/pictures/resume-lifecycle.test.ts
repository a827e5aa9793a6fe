import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { PASSWORD, startServer, type TestServer, type TestUser } from '../support/server.ts';
import { assertView } from '../aisquare/support/seed.ts';
import { everyFormat, HTML, PDF, PDF_HTML_POLYGLOT } from './images.ts';
import { fetchFile, upload } from './upload-client.ts';
import { readStoredZip } from './zip-reader.ts';

const DAY = 86_400_000;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const backend of backends) {
  describe(`PUT /v1/me/resume and GET /resumes/{hash}.pdf (${backend.name})`, () => {
    let server: TestServer;
    let ada: TestUser;
    let member: TestUser;
    let outsider: TestUser;
    let admin: { token: string };
    let url: string;
    before(async () => {
      server = await startServer(backend);
      [ada, member] = [await server.createUser(), await server.createUser()];
      await server.app.services.accounts.createOrg({ slug: 'other', name: 'Other' });
      outsider = await server.createUser({ org: 'other' });
      const account = await server.app.services.accounts.createAccount({ email: `resume-admin-${backend.name}@example.com`, password: PASSWORD, username: `resume-admin-${backend.name}`, kind: 'admin' });
      admin = { token: (await server.login(account.username)).access_token };
      const res = await upload(server, '/v1/me/resume', { token: ada.token, bytes: PDF, multipart: { filename: 'cv.pdf', type: 'application/pdf' } });
      assert.equal(res.status, 200, res.bytes.toString());
      url = res.json.resume;
    });
    after(() => server.close());

    const setPublic = async (isPublic: boolean) => assert.equal((await server.request('PATCH', '/v1/me/profile', { token: ada.token, body: { is_public: isPublic } })).status, 200);

    it('the profile\'s resume is its absolute URL, also AISquare\'s resume', async () => {
      assert.equal(url, `http://127.0.0.1/resumes/${sha256(PDF)}.pdf`);
      const aisquare = await server.request('GET', '/api/v1/iam/user/profile/', { token: ada.token });
      assertView(aisquare.body);
      assert.equal(aisquare.body.resume, url);
    });

    it('served as a sandboxed attachment, never sniffed, with a strong ETag and 304', async () => {
      const res = await fetchFile(server, url, { token: ada.token });
      assert.equal(res.status, 200);
      assert.deepEqual(res.bytes, PDF, 'stored as sent');
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.equal(res.headers.get('content-disposition'), 'attachment; filename="resume.pdf"');
      assert.equal(res.headers.get('content-security-policy'), 'sandbox');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('cache-control'), 'private, no-cache');
      assert.equal(res.headers.get('etag'), `"${sha256(PDF)}"`);
      assert.equal((await fetchFile(server, url, { token: ada.token, headers: { 'if-none-match': `"${sha256(PDF)}"` } })).status, 304);
    });

    it('to its owner and the org\'s administrators; to the org\'s members only while the profile is listed; never anonymously', async () => {
      await setPublic(false);
      assert.equal((await fetchFile(server, url, { token: ada.token })).status, 200);
      assert.equal((await fetchFile(server, url, { token: admin.token })).status, 200);
      assert.equal((await fetchFile(server, url, { token: member.token })).status, 404);
      await setPublic(true);
      assert.equal((await fetchFile(server, url, { token: member.token })).status, 200, 'a member, the profile listed');
      assert.equal((await fetchFile(server, url, { token: outsider.token })).status, 404, 'a member of another org');
      assert.equal((await fetchFile(server, url)).status, 404, 'anonymous, even listed');
      await setPublic(false);
      assert.equal((await fetchFile(server, url, { token: member.token })).status, 404, 'private again');
    });

    it('PDF only, whole, at most RESUME_MAX_BYTES; nothing stored when refused', async () => {
      const user = await server.createUser();
      const jpeg = (await everyFormat())['jpeg']!;
      const cases: [string, Buffer, string | undefined, number, string][] = [
        ['a JPEG', jpeg, 'application/pdf', 415, 'upload.unsupported_type'],
        ['HTML named as a PDF', HTML, 'application/pdf', 415, 'upload.unsupported_type'],
        ['a truncated PDF', PDF.subarray(0, 60), 'application/pdf', 422, 'upload.unreadable'],
        ['nothing', Buffer.alloc(0), 'application/pdf', 400, 'upload.missing_file'],
      ];
      for (const [what, bytes, contentType, status, code] of cases) {
        const res = await upload(server, '/v1/me/resume', { token: user.token, bytes, ...(contentType ? { contentType } : {}) });
        assert.equal(res.status, status, what);
        assert.equal(res.json.code, code, what);
      }
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024), Buffer.from('\n%%EOF\n')]);
      const tooBig = await upload(server, '/v1/me/resume', { token: user.token, bytes: big, contentType: 'application/pdf' });
      assert.equal(tooBig.status, 413);
      const tooBigMultipart = await upload(server, '/v1/me/resume', { token: user.token, bytes: big, multipart: { filename: 'cv.pdf' } });
      assert.equal(tooBigMultipart.status, 413);
      assert.deepEqual(await server.app.storage.repos.listUploadFiles([user.profileId]), []);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: user.token })).body.resume, null);
    });

    it('a PDF that is also HTML is a PDF: stored, and served so that no browser runs it', async () => {
      const user = await server.createUser();
      const res = await upload(server, '/v1/me/resume', { token: user.token, bytes: PDF_HTML_POLYGLOT, contentType: 'text/html' });
      assert.equal(res.status, 200);
      const file = await fetchFile(server, res.json.resume, { token: user.token });
      assert.equal(file.headers.get('content-type'), 'application/pdf');
      assert.equal(file.headers.get('content-security-policy'), 'sandbox');
      assert.match(file.headers.get('content-disposition') ?? '', /^attachment/);
    });

    it('DELETE /v1/me/resume clears it and deletes the file', async () => {
      const user = await server.createUser();
      const pdf = Buffer.concat([PDF, Buffer.from(`% ${user.id}\n%%EOF\n`)]);
      const put = await upload(server, '/v1/me/resume', { token: user.token, bytes: pdf, contentType: 'application/pdf' });
      const removed = await upload(server, '/v1/me/resume', { token: user.token, bytes: Buffer.alloc(0), method: 'DELETE' });
      assert.equal(removed.status, 200);
      assert.equal(removed.json.resume, null);
      assert.equal(await server.app.storage.repos.findBlob(sha256(pdf)), undefined);
      assert.equal((await fetchFile(server, put.json.resume, { token: user.token })).status, 404);
    });
  });

  describe(`Uploaded files in the data export and at erasure (${backend.name})`, () => {
    let server: TestServer;
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    before(async () => {
      server = await startServer(backend, { clock, config: { outboxPollMs: 3_600_000 } });
    });
    after(() => server.close());

    it('GET /v1/me/export lists the files; ?format=zip holds the document and the files themselves', async () => {
      const ada = await server.createUser();
      const picture = (await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['png']!, contentType: 'image/png' })).json.picture;
      const pdf = Buffer.concat([PDF, Buffer.from(`% ${ada.id}\n%%EOF\n`)]);
      await upload(server, '/v1/me/resume', { token: ada.token, bytes: pdf, contentType: 'application/pdf' });
      const doc = (await server.request('GET', '/v1/me/export', { token: ada.token })).body;
      const files: { kind: string; variant: string; url: string; size: number; sha256: string; path: string; content_type: string }[] = doc.profiles[0].files;
      assert.deepEqual(files.map((f) => `${f.kind}:${f.variant}`).sort(), ['picture:256.jpg', 'picture:256.webp', 'picture:512.jpg', 'picture:512.webp', 'picture:64.jpg', 'picture:64.webp', 'resume:pdf']);
      assert.ok(files.some((f) => f.url === picture));
      assert.equal(files.find((f) => f.kind === 'resume')!.sha256, sha256(pdf));

      const res = await fetch(`${server.url}/v1/me/export?format=zip`, { headers: { authorization: `Bearer ${ada.token}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/zip');
      assert.equal(res.headers.get('content-disposition'), 'attachment; filename="profiled-export.zip"');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const zip = Buffer.from(await res.arrayBuffer());
      const entries = readStoredZip(zip);
      assert.deepEqual([...entries.keys()].sort(), ['profiled-export.json', ...files.map((f) => f.path)].sort());
      const inside = JSON.parse(entries.get('profiled-export.json')!.toString('utf8'));
      assert.equal(inside.account.id, ada.id);
      for (const f of files) {
        const data = entries.get(f.path)!;
        assert.equal(sha256(data), f.sha256, f.path);
        assert.equal(data.length, f.size, f.path);
      }
      assert.deepEqual(entries.get(files.find((f) => f.kind === 'resume')!.path), pdf);
      // And an independent reader agrees.
      const dir = mkdtempSync(join(tmpdir(), 'profiled-zip-'));
      writeFileSync(join(dir, 'export.zip'), zip);
      assert.match(execFileSync('unzip', ['-t', join(dir, 'export.zip')]).toString(), /No errors detected/);
      assert.equal((await server.request('GET', '/v1/me/export?format=tar', { token: ada.token })).status, 400);
    });

    it('erasure after a self-deletion deletes the uploaded files', async () => {
      const grace = await server.createUser();
      const picture = (await upload(server, '/v1/me/picture', { token: grace.token, bytes: (await everyFormat())['avif']!, contentType: 'image/avif' })).json.picture;
      await upload(server, '/v1/me/resume', { token: grace.token, bytes: Buffer.concat([PDF, Buffer.from(`% ${grace.id}\n%%EOF\n`)]), contentType: 'application/pdf' });
      const hashes = (await server.app.storage.repos.listUploadFiles([grace.profileId])).map((f) => f.blob_hash);
      assert.equal(hashes.length, 7);
      assert.equal((await server.request('DELETE', '/v1/me', { token: grace.token, body: { current_password: PASSWORD } })).status, 202);
      offset = 15 * DAY;
      const report = await server.app.services.deletion.purge();
      assert.ok(report.accounts.some((a) => a.account_id === grace.id));
      assert.deepEqual(await server.app.storage.repos.listUploadFiles([grace.profileId]), []);
      for (const hash of hashes) assert.equal(await server.app.storage.repos.findBlob(hash), undefined, 'the file is gone');
      assert.equal((await fetchFile(server, picture)).status, 404);
      offset = 0;
    });

    it('the sweep collects a blob an import\'s write let go of', async () => {
      const user = await server.createUser();
      await upload(server, '/v1/me/picture', { token: user.token, bytes: (await everyFormat())['jpeg']!, contentType: 'image/jpeg' });
      const hashes = (await server.app.storage.repos.listUploadFiles([user.profileId])).map((f) => f.blob_hash);
      const rows = (async function* () {
        yield `${JSON.stringify({ email: user.email, picture: 'https://images.example.com/x.png' })}\n`;
      })();
      const result = await server.app.services.imports.run(rows, { org: 'default', format: 'jsonl' });
      assert.equal(result.updated, 1, JSON.stringify(result));
      assert.deepEqual(await server.app.storage.repos.listUploadFiles([user.profileId]), []);
      assert.ok(await server.app.services.uploads.sweep() >= hashes.length);
      for (const hash of hashes) assert.equal(await server.app.storage.repos.findBlob(hash), undefined);
    });
  });
}
