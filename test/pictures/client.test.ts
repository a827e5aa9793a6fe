import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNativeClient, ProblemError } from '../../packages/client/src/native/client.ts';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { everyFormat, PDF, SVG } from './images.ts';

for (const backend of backends) {
  describe(`typed native client: pictures and résumés (${backend.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await startServer(backend);
      user = await server.createUser();
    });
    after(() => server.close());

    it('putPicture, removePicture, putResume, removeResume; a refusal is a ProblemError with its code', async () => {
      const client = createNativeClient({ baseUrl: server.url, token: () => user.token });
      const png = (await everyFormat())['png']!;
      const { profile, etag } = await client.putPicture(new Blob([new Uint8Array(png)], { type: 'image/png' }), { x: 0.2, y: 0.5 });
      assert.match(String(profile.picture), /\/pictures\/[0-9a-f]{64}-256\.jpg$/);
      assert.match(etag ?? '', /^"\d+"$/);
      assert.match(String((await client.putPicture(png)).profile.picture), /-256\.jpg$/, 'bytes as a Uint8Array');
      await assert.rejects(client.putPicture(SVG), (err: unknown) => err instanceof ProblemError && err.problem.code === 'upload.unsupported_type' && err.problem.status === 415);
      assert.equal((await client.removePicture()).profile.picture, null);
      assert.match(String((await client.putResume(PDF)).profile.resume), /\/resumes\/[0-9a-f]{64}\.pdf$/);
      assert.equal((await client.removeResume()).profile.resume, null);
    });
  });
}
