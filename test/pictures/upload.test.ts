import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { BLUE, everyFormat, GREEN, hasGpsDirectory, HEIC_HEADER, HTML, near, PDF, PDF_HTML_POLYGLOT, phoneJpeg, pixel, pngBomb, RED, SVG, bands } from './images.ts';
import { fetchFile, upload, variantOf } from './upload-client.ts';

for (const backend of backends) {
  describe(`PUT /v1/me/picture: sniffed, decoded, stripped, squared, stored in six files (${backend.name})`, () => {
    let server: TestServer;
    let ada: TestUser;
    before(async () => {
      server = await startServer(backend);
      ada = await server.createUser();
    });
    after(() => server.close());

    /** Nothing of an upload is stored: no file of the profile's, no blob left behind. */
    const assertNothingStored = async (user: TestUser) => {
      assert.deepEqual(await server.app.storage.repos.listUploadFiles([user.profileId]), []);
      assert.deepEqual(await server.app.storage.repos.listUnreferencedBlobs(10), []);
      const profile = await server.request('GET', '/v1/me/profile', { token: user.token });
      assert.equal(profile.body.picture, null);
    };

    it('takes JPEG, PNG, WebP, GIF and AVIF, raw or multipart, and stores 64, 256 and 512 px squares as WebP and JPEG', async () => {
      const user = await server.createUser();
      for (const [format, bytes] of Object.entries(await everyFormat())) {
        const res = format === 'png'
          ? await upload(server, '/v1/me/picture', { token: user.token, bytes, multipart: { filename: 'me.png', type: 'image/png' } })
          : await upload(server, '/v1/me/picture', { token: user.token, bytes, contentType: 'application/octet-stream' });
        assert.equal(res.status, 200, `${format}: ${res.bytes.toString().slice(0, 300)}`);
        const url: string = res.json.picture;
        assert.match(url, /^http:\/\/127\.0\.0\.1\/pictures\/[0-9a-f]{64}-256\.jpg$/, format);
        assert.match(res.headers.get('etag') ?? '', /^"\d+"$/);
        for (const size of [64, 256, 512]) {
          for (const [ext, type, sharpFormat] of [['webp', 'image/webp', 'webp'], ['jpg', 'image/jpeg', 'jpeg']] as const) {
            const file = await fetchFile(server, variantOf(url, size, ext), { token: user.token });
            assert.equal(file.status, 200, `${format} ${size} ${ext}`);
            assert.equal(file.headers.get('content-type'), type);
            const meta = await sharp(file.bytes).metadata();
            assert.equal(meta.format, sharpFormat);
            assert.deepEqual([meta.width, meta.height], [size, size], `${format} ${size} ${ext}`);
          }
        }
      }
      // Each upload replaced the one before: six files, of the last picture only.
      assert.equal((await server.app.storage.repos.listUploadFiles([user.profileId])).length, 6);
    });

    it('drops the camera, GPS and XMP metadata and turns a sideways photo upright', async () => {
      const original = await phoneJpeg();
      assert.ok(original.includes(Buffer.from('SnoopCam')) && original.includes(Buffer.from('Secret Photographer')), 'the fixture carries its metadata');
      const before = await sharp(original).metadata();
      assert.ok(before.exif && hasGpsDirectory(before.exif) && before.orientation === 6, 'the fixture has GPS coordinates and lies on its side');
      const res = await upload(server, '/v1/me/picture', { token: ada.token, bytes: original, contentType: 'image/jpeg' });
      assert.equal(res.status, 200);
      for (const ext of ['jpg', 'webp'] as const) {
        const file = await fetchFile(server, variantOf(res.json.picture, 512, ext), { token: ada.token });
        const meta = await sharp(file.bytes).metadata();
        assert.equal(meta.exif, undefined, `${ext}: no EXIF block`);
        assert.equal(meta.xmp, undefined, `${ext}: no XMP block`);
        assert.equal(meta.icc, undefined, `${ext}: no ICC profile`);
        assert.equal(meta.orientation, undefined, `${ext}: no orientation tag: the pixels are upright`);
        for (const text of ['SnoopCam', 'Tracker', 'LeakyFirmware', 'Secret Photographer', 'Exif', 'EXIF', 'XMP']) assert.ok(!file.bytes.includes(Buffer.from(text)), `${ext}: "${text}" is gone`);
        // Red was on the left as stored; turned 90° clockwise, it is at the top.
        assert.ok(near(await pixel(file.bytes, 256, 20), RED), `${ext}: red on top`);
        assert.ok(near(await pixel(file.bytes, 256, 490), BLUE), `${ext}: blue below`);
      }
    });

    it('cuts the square around the focal point given as query parameters or multipart fields', async () => {
      const user = await server.createUser();
      const wide = await (await bands(300, 100, [RED, GREEN, BLUE])).png().toBuffer();
      const centre = await upload(server, '/v1/me/picture', { token: user.token, bytes: wide, contentType: 'image/png' });
      assert.ok(near(await pixel((await fetchFile(server, variantOf(centre.json.picture, 64, 'jpg'), { token: user.token })).bytes, 32, 32), GREEN), 'the centre by default');
      const left = await upload(server, '/v1/me/picture', { token: user.token, bytes: wide, contentType: 'image/png', query: '?x=0&y=0.5' });
      assert.ok(near(await pixel((await fetchFile(server, variantOf(left.json.picture, 64, 'jpg'), { token: user.token })).bytes, 32, 32), RED), 'x=0: the left edge');
      const right = await upload(server, '/v1/me/picture', { token: user.token, bytes: wide, multipart: { filename: 'wide.png', fields: { x: '1', y: '0' } } });
      assert.ok(near(await pixel((await fetchFile(server, variantOf(right.json.picture, 64, 'jpg'), { token: user.token })).bytes, 32, 32), BLUE), 'x=1: the right edge');
      for (const query of ['?x=1.5', '?x=-0.1', '?y=abc']) {
        const bad = await upload(server, '/v1/me/picture', { token: user.token, bytes: wide, contentType: 'image/png', query });
        assert.equal(bad.status, 400, query);
        assert.equal(bad.json.code, 'request.invalid_parameter', query);
      }
      const badField = await upload(server, '/v1/me/picture', { token: user.token, bytes: wide, multipart: { filename: 'wide.png', fields: { x: 'NaN' } } });
      assert.equal(badField.status, 400);
    });

    it('refuses a 30 000 × 30 000 PNG bomb with 422 before decoding it, and stores nothing', async (t) => {
      const user = await server.createUser();
      const bomb = pngBomb();
      assert.ok(bomb.length < 200_000, `the bomb is small (${bomb.length} bytes)`);
      const started = process.hrtime.bigint();
      const res = await upload(server, '/v1/me/picture', { token: user.token, bytes: bomb, contentType: 'image/png' });
      t.diagnostic(`refused in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
      assert.equal(res.status, 422, res.bytes.toString());
      assert.equal(res.json.code, 'upload.too_many_pixels');
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      await assertNothingStored(user);
    });

    it('refuses what is not a raster image, whatever its name or content type says, and stores nothing', async () => {
      const user = await server.createUser();
      const jpeg = (await everyFormat())['jpeg']!;
      const cases: [string, Parameters<typeof upload>[2], number, string][] = [
        ['an SVG', { token: user.token, bytes: SVG, contentType: 'image/svg+xml' }, 415, 'upload.unsupported_type'],
        ['an HTML file named .jpg', { token: user.token, bytes: HTML, multipart: { filename: 'photo.jpg', type: 'image/jpeg' } }, 415, 'upload.unsupported_type'],
        ['HTML sent as image/jpeg', { token: user.token, bytes: HTML, contentType: 'image/jpeg' }, 415, 'upload.unsupported_type'],
        ['a PDF/HTML polyglot', { token: user.token, bytes: PDF_HTML_POLYGLOT, multipart: { filename: 'me.png', type: 'image/png' } }, 415, 'upload.unsupported_type'],
        ['a PDF', { token: user.token, bytes: PDF, contentType: 'image/png' }, 415, 'upload.unsupported_type'],
        ['an HEIC this build cannot decode', { token: user.token, bytes: HEIC_HEADER, contentType: 'image/heic' }, 415, 'upload.unsupported_type'],
        ['a truncated JPEG', { token: user.token, bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)), contentType: 'image/jpeg' }, 422, 'upload.unreadable'],
        ['a JPEG header and nothing else', { token: user.token, bytes: jpeg.subarray(0, 20), contentType: 'image/jpeg' }, 422, 'upload.unreadable'],
        ['random bytes', { token: user.token, bytes: Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)) }, 415, 'upload.unsupported_type'],
        ['an empty body', { token: user.token, bytes: Buffer.alloc(0), contentType: 'image/png' }, 400, 'upload.missing_file'],
        ['a JSON body', { token: user.token, bytes: Buffer.from('{"picture":"x"}'), contentType: 'application/json' }, 415, 'upload.unsupported_type'],
        ['not UTF-8, labelled text', { token: user.token, bytes: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]), contentType: 'text/plain; charset=utf-8' }, 415, 'upload.unsupported_type'],
      ];
      for (const [what, opts, status, code] of cases) {
        const res = await upload(server, '/v1/me/picture', opts);
        assert.equal(res.status, status, `${what}: ${res.bytes.toString().slice(0, 200)}`);
        assert.equal(res.json?.code, code, what);
      }
      await assertNothingStored(user);
    });

    it('answers 413 above PICTURE_MAX_BYTES, raw and multipart, and 400 for a multipart body cut short', async () => {
      const small = await startServer(backend, { config: { pictureMaxBytes: 4096 } });
      try {
        const user = await small.createUser();
        const big = await (await bands(400, 400, [RED, BLUE])).png({ compressionLevel: 0 }).toBuffer();
        assert.ok(big.length > 4096);
        const raw = await upload(small, '/v1/me/picture', { token: user.token, bytes: big, contentType: 'image/png' });
        assert.equal(raw.status, 413);
        assert.equal(raw.json.code, 'request.body_too_large');
        const multi = await upload(small, '/v1/me/picture', { token: user.token, bytes: big, multipart: { filename: 'big.png' } });
        assert.equal(multi.status, 413);
        const cut = await fetch(`${small.url}/v1/me/picture`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'multipart/form-data; boundary=XYZ' },
          body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG',
        });
        assert.equal(cut.status, 400, await cut.text());
        const fieldsOnly = new FormData();
        fieldsOnly.append('x', '0.5');
        const noFile = await fetch(`${small.url}/v1/me/picture`, { method: 'PUT', headers: { authorization: `Bearer ${user.token}` }, body: fieldsOnly });
        assert.equal(noFile.status, 400);
        assert.equal((await noFile.json()).code, 'upload.missing_file');
        assert.deepEqual(await small.app.storage.repos.listUploadFiles([user.profileId]), []);
      } finally {
        await small.close();
      }
    });

    it('takes the bytes whatever they are labelled: a JPEG sent form-encoded (curl --data-binary), as text or as JSON', async () => {
      const user = await server.createUser();
      const jpeg = (await everyFormat())['jpeg']!;
      assert.ok(!isUtf8(jpeg), 'the JPEG is not UTF-8');
      for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'application/json', 'image/png']) {
        const res = await upload(server, '/v1/me/picture', { token: user.token, bytes: jpeg, contentType });
        assert.equal(res.status, 200, `${contentType}: ${res.bytes.toString().slice(0, 200)}`);
      }
      const bare = await fetch(`${server.url}/v1/me/picture`, { method: 'PUT', headers: { authorization: `Bearer ${user.token}` }, body: new Uint8Array(jpeg) });
      assert.equal(bare.status, 200, 'no content type at all');
    });

    it('uploads of several people at once all land, each with its own picture', async () => {
      const people = await Promise.all(Array.from({ length: 6 }, () => server.createUser()));
      const results = await Promise.all(people.map(async (p) => upload(server, '/v1/me/picture', { token: p.token, bytes: (await everyFormat())['webp']!, contentType: 'image/webp' })));
      assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200, 200]);
      assert.equal(new Set(results.map((r) => r.json.picture)).size, 6);
    });

    it('needs a person signed in', async () => {
      const jpeg = (await everyFormat())['jpeg']!;
      assert.equal((await upload(server, '/v1/me/picture', { bytes: jpeg, contentType: 'image/jpeg' })).status, 401);
      assert.equal((await upload(server, '/v1/me/picture', { bytes: jpeg, method: 'DELETE' })).status, 401);
    });

    it('replacing a picture deletes the old files; DELETE removes the picture and its files', async () => {
      const user = await server.createUser();
      const formats = await everyFormat();
      const first = await upload(server, '/v1/me/picture', { token: user.token, bytes: formats['png']!, contentType: 'image/png' });
      const firstHashes = (await server.app.storage.repos.listUploadFiles([user.profileId])).map((f) => f.blob_hash);
      const second = await upload(server, '/v1/me/picture', { token: user.token, bytes: formats['webp']!, contentType: 'image/webp', query: '?x=0' });
      assert.notEqual(first.json.picture, second.json.picture);
      for (const hash of firstHashes) assert.equal(await server.app.storage.repos.findBlob(hash), undefined, 'the old file is gone');
      assert.equal((await fetchFile(server, first.json.picture, { token: user.token })).status, 404);
      assert.equal((await fetchFile(server, second.json.picture, { token: user.token })).status, 200);
      const secondHashes = (await server.app.storage.repos.listUploadFiles([user.profileId])).map((f) => f.blob_hash);
      const removed = await upload(server, '/v1/me/picture', { token: user.token, bytes: Buffer.alloc(0), method: 'DELETE' });
      assert.equal(removed.status, 200);
      assert.equal(removed.json.picture, null);
      for (const hash of secondHashes) assert.equal(await server.app.storage.repos.findBlob(hash), undefined);
      assert.equal((await fetchFile(server, second.json.picture, { token: user.token })).status, 404);
      const history = await server.request('GET', '/v1/me/history', { token: user.token });
      assert.deepEqual(history.body.events.slice(0, 3).map((e: { kind: string }) => e.kind), ['profile.picture_removed', 'profile.picture_uploaded', 'profile.picture_uploaded']);
    });

    it('the same picture uploaded by two people is stored once and stays while either refers to it', async () => {
      const [a, b] = [await server.createUser(), await server.createUser()];
      const bytes = (await everyFormat())['gif']!;
      const ra = await upload(server, '/v1/me/picture', { token: a.token, bytes });
      const rb = await upload(server, '/v1/me/picture', { token: b.token, bytes });
      assert.equal(ra.json.picture, rb.json.picture);
      await upload(server, '/v1/me/picture', { token: a.token, bytes: Buffer.alloc(0), method: 'DELETE' });
      assert.equal((await fetchFile(server, rb.json.picture, { token: b.token })).status, 200, 'still there for the other');
    });
  });
}
