import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { PASSWORD, startServer, type TestServer, type TestUser } from '../support/server.ts';
import { assertView } from '../aisquare/support/seed.ts';
import { everyFormat } from './images.ts';
import { fetchFile, upload, variantOf } from './upload-client.ts';

const IMMUTABLE_PUBLIC = 'public, max-age=31536000, immutable';

for (const backend of backends) {
  describe(`GET /pictures/{hash}-{size}.{webp|jpg}: cached forever, served to whom may see the profile (${backend.name})`, () => {
    let server: TestServer;
    let ada: TestUser;
    let grace: TestUser;
    let outsider: TestUser;
    let admin: { token: string };
    let otherAdmin: { token: string };
    let url: string;
    before(async () => {
      server = await startServer(backend);
      [ada, grace] = [await server.createUser(), await server.createUser()];
      await server.app.services.accounts.createOrg({ slug: 'elsewhere', name: 'Elsewhere' });
      outsider = await server.createUser({ org: 'elsewhere' });
      const makeAdmin = async (org: string | null) => {
        const account = await server.app.services.accounts.createAccount({ email: `admin-${Math.random().toString(36).slice(2)}@example.com`, password: PASSWORD, username: `admin-${Math.random().toString(36).slice(2, 10)}`, kind: 'admin', org });
        return { token: (await server.login(account.username)).access_token };
      };
      admin = await makeAdmin(null);
      otherAdmin = await makeAdmin('elsewhere');
      const res = await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['png']!, contentType: 'image/png' });
      assert.equal(res.status, 200);
      url = res.json.picture;
    });
    after(() => server.close());

    const setPublic = async (user: TestUser, isPublic: boolean) => assert.equal((await server.request('PATCH', '/v1/me/profile', { token: user.token, body: { is_public: isPublic } })).status, 200);

    it('a private profile\'s picture: its owner and the org\'s administrators get it, privately cached; everyone else 404', async () => {
      await setPublic(ada, false);
      const own = await fetchFile(server, url, { token: ada.token });
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('cache-control'), 'private, max-age=31536000, immutable');
      assert.equal((await fetchFile(server, `${url}?access_token=${ada.token}`)).status, 200, 'the token as a query parameter, for an <img>');
      assert.equal((await fetchFile(server, url, { token: admin.token })).status, 200, 'an administrator of the org');
      const notFound = await fetchFile(server, url);
      assert.equal(notFound.status, 404, 'anonymous');
      assert.equal(notFound.json.code, 'upload.not_found');
      assert.equal((await fetchFile(server, url, { token: grace.token })).status, 404, 'another member');
      assert.equal((await fetchFile(server, url, { token: outsider.token })).status, 404, 'a member of another org');
      assert.equal((await fetchFile(server, url, { token: otherAdmin.token })).status, 404, 'an administrator of another org');
      assert.equal((await fetchFile(server, url, { token: 'not-a-token' })).status, 401, 'a bad credential is refused, not ignored');
    });

    it('a public profile\'s picture: anyone gets it, publicly cached for a year, embeddable from other sites; private again, 404 again', async () => {
      await setPublic(ada, true);
      const res = await fetchFile(server, url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), IMMUTABLE_PUBLIC);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      assert.equal(Number(res.headers.get('content-length')), res.bytes.length);
      assert.equal((await fetchFile(server, url, { token: outsider.token })).status, 200);
      await setPublic(ada, false);
      assert.equal((await fetchFile(server, url)).status, 404, 'after the profile went private');
      assert.equal((await fetchFile(server, url, { token: grace.token })).status, 404);
    });

    it('a strong ETag, the hash of the bytes; If-None-Match answers 304; HEAD has the headers', async () => {
      await setPublic(ada, true);
      const { createHash } = await import('node:crypto');
      for (const [size, ext] of [[64, 'webp'], [256, 'jpg'], [512, 'webp']] as const) {
        const res = await fetchFile(server, variantOf(url, size, ext));
        const etag = res.headers.get('etag')!;
        assert.equal(etag, `"${createHash('sha256').update(res.bytes).digest('hex')}"`);
        const again = await fetchFile(server, variantOf(url, size, ext), { headers: { 'if-none-match': etag } });
        assert.equal(again.status, 304);
        assert.equal(again.bytes.length, 0);
        assert.equal(again.headers.get('etag'), etag);
        assert.equal(again.headers.get('cache-control'), IMMUTABLE_PUBLIC);
        assert.equal((await fetchFile(server, variantOf(url, size, ext), { headers: { 'if-none-match': '"other", ' + etag } })).status, 304);
        assert.equal((await fetchFile(server, variantOf(url, size, ext), { headers: { 'if-none-match': '"other"' } })).status, 200);
        const head = await fetchFile(server, variantOf(url, size, ext), { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get('etag'), etag);
      }
      await setPublic(ada, false);
      assert.equal((await fetchFile(server, url, { headers: { 'if-none-match': '*' } })).status, 404, 'a validator reveals nothing to whom may not see it');
    });

    it('a name that is no file is 404: other sizes, formats, hashes and shapes', async () => {
      await setPublic(ada, true);
      const hash = /([0-9a-f]{64})/.exec(url)![1]!;
      for (const path of [`/pictures/${hash}-128.jpg`, `/pictures/${hash}-256.png`, `/pictures/${hash}.jpg`, `/pictures/${'0'.repeat(64)}-256.jpg`, `/pictures/${hash.toUpperCase()}-256.jpg`, '/pictures/..%2F..%2Fetc%2Fpasswd', `/pictures/${hash}-256.jpg.exe`, `/pictures/${hash}-00256.jpg`]) {
        const res = await fetchFile(server, path);
        assert.equal(res.status, 404, path);
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/, path);
      }
    });
  });

  describe(`The picture URL through every contract (${backend.name})`, () => {
    let server: TestServer;
    let ada: TestUser;
    let viewer: TestUser;
    let url: string;
    before(async () => {
      server = await startServer(backend);
      [ada, viewer] = [await server.createUser({ displayName: 'Ada Pictured' }), await server.createUser()];
      assert.equal((await server.request('PATCH', '/v1/me/profile', { token: ada.token, body: { is_public: true } })).status, 200);
      url = (await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['webp']!, contentType: 'image/webp' })).json.picture;
    });
    after(() => server.close());

    it('the profile\'s picture is the absolute URL (PUBLIC_URL) of the 256 px JPEG', async () => {
      assert.match(url, /^http:\/\/127\.0\.0\.1\/pictures\/[0-9a-f]{64}-256\.jpg$/);
      assert.equal((await server.request('GET', '/v1/me/profile', { token: ada.token })).body.picture, url);
    });

    it('AISquare profile_picture, OIDC userinfo picture, the native directory, Nexudus AvatarUrl', async () => {
      const aisquare = await server.request('GET', '/api/v1/iam/user/profile/', { token: ada.token });
      assert.equal(aisquare.status, 200, aisquare.text);
      assertView(aisquare.body);
      assert.equal(aisquare.body.profile_picture, url);
      const userinfo = await server.request('GET', '/oauth/v2/userinfo', { token: ada.token });
      assert.equal(userinfo.status, 200, userinfo.text);
      assert.equal(userinfo.body.picture, url);
      const directory = await server.request('GET', '/v1/directory', { token: viewer.token });
      assert.equal(directory.body.profiles.find((p: { display_name: string }) => p.display_name === 'Ada Pictured')?.picture, url);
      assert.equal((await server.request('GET', `/v1/directory/${ada.profileId}`, { token: viewer.token })).body.picture, url);
      const published = await server.request('GET', '/api/public/coworkers/published', { token: viewer.token });
      assert.equal(published.status, 200, published.text);
      assert.ok(JSON.stringify(published.body).includes(url), 'Nexudus published records carry it as AvatarUrl');
    });

    it('writing an outside https URL (AISquare, native) still works and ends the upload; "" clears it', async () => {
      const hashesBefore = (await server.app.storage.repos.listUploadFiles([ada.profileId])).map((f) => f.blob_hash);
      assert.equal(hashesBefore.length, 6);
      const outside = 'https://images.example.com/ada.png';
      const res = await server.request('PATCH', '/api/v1/iam/user/profile/', { token: ada.token, body: { details: { profile_picture: outside } } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.profile_picture, outside);
      assert.deepEqual(await server.app.storage.repos.listUploadFiles([ada.profileId]), []);
      for (const hash of hashesBefore) assert.equal(await server.app.storage.repos.findBlob(hash), undefined, 'the files went with it');
      assert.equal((await fetchFile(server, url)).status, 404);
      // Upload again, then clear through the native API.
      const again = (await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['gif']!, contentType: 'image/gif' })).json.picture;
      const cleared = await server.request('PATCH', '/v1/me/profile', { token: ada.token, body: { picture: null } });
      assert.equal(cleared.body.picture, null);
      assert.equal((await fetchFile(server, again, { token: ada.token })).status, 404);
      const aisquare = await server.request('GET', '/api/v1/iam/user/profile/', { token: ada.token });
      assert.equal(aisquare.body.profile_picture, '', 'AISquare\'s empty value when there is none, as with an empty configuration');
    });

    it('a new upload is seen at once by the directory and Nexudus\' published list, read just before', async () => {
      const entryOf = async () => (await server.request('GET', '/v1/directory', { token: viewer.token })).body.profiles.find((p: { display_name: string }) => p.display_name === 'Ada Pictured')?.picture;
      const publishedOf = async () => JSON.stringify((await server.request('GET', '/api/public/coworkers/published', { token: viewer.token })).body);
      const before = await entryOf();
      await publishedOf();
      const next = (await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['png']!, contentType: 'image/png' })).json.picture;
      assert.notEqual(next, before);
      assert.equal(await entryOf(), next);
      assert.ok((await publishedOf()).includes(next));
      await upload(server, '/v1/me/picture', { token: ada.token, bytes: Buffer.alloc(0), method: 'DELETE' });
      assert.equal(await entryOf(), null);
    });

    it('an administrator writing the picture ends the upload too', async () => {
      const account = await server.app.services.accounts.createAccount({ email: `pic-admin-${backend.name}@example.com`, password: PASSWORD, username: `pic-admin-${backend.name}`, kind: 'admin' });
      const adminToken = (await server.login(account.username)).access_token;
      const pictured = (await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['avif']!, contentType: 'image/avif' })).json.picture;
      const hashes = (await server.app.storage.repos.listUploadFiles([ada.profileId])).map((f) => f.blob_hash);
      const res = await server.request('PATCH', `/v1/admin/profiles/${ada.profileId}`, { token: adminToken, body: { picture: 'https://images.example.com/by-admin.png' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(await server.app.storage.repos.listUploadFiles([ada.profileId]), []);
      for (const hash of hashes) assert.equal(await server.app.storage.repos.findBlob(hash), undefined);
      assert.equal((await fetchFile(server, pictured, { token: ada.token })).status, 404);
    });

    it('an AISquare client writing the whole view back unchanged keeps the upload', async () => {
      const pictured = (await upload(server, '/v1/me/picture', { token: ada.token, bytes: (await everyFormat())['jpeg']!, contentType: 'image/jpeg' })).json.picture;
      const view = (await server.request('GET', '/api/v1/iam/user/profile/', { token: ada.token })).body;
      const res = await server.request('PATCH', '/api/v1/iam/user/profile/', { token: ada.token, body: { details: { profile_picture: view.profile_picture, bio: 'Analyst' } } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.profile_picture, pictured);
      assert.equal((await fetchFile(server, pictured)).status, 200);
    });
  });
}
