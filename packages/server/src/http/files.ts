import { ProfiledError } from '@profiled/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PICTURE_SIZES, type PictureFormat, type Principal, type ServedFile, type Services } from '../service/index.ts';
import { PICTURE_FILE, RESUME_FILE } from '../service/uploads/paths.ts';
import { bearerOf } from './bearer.ts';

const YEAR_S = 31_536_000;

/**
 * Uploaded files (issue 23): `GET /pictures/{hash}-{size}.{webp|jpg}` and
 * `GET /resumes/{hash}.pdf`. A file's name is its content's hash, so it never changes under
 * its URL: cached for a year, immutable, with the hash as a strong ETag. Who may have it is
 * the upload service's rule; anyone else, and a name that is no file, gets the same 404. A
 * credential is optional (the Authorization header or `access_token`), and checked when given.
 */
export async function fileRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const viewerOf = async (request: FastifyRequest): Promise<Principal | null> => {
    const credential = bearerOf(request);
    return credential ? services.sessions.authenticate(credential) : null;
  };

  /** Headers every served file has, and 304 when the client holds it already. */
  const serve = (request: FastifyRequest, reply: FastifyReply, file: ServedFile, headers: Record<string, string>) => {
    const etag = `"${file.hash}"`;
    reply.headers({ etag, 'x-content-type-options': 'nosniff', ...headers });
    const held = request.headers['if-none-match'];
    if (held !== undefined && (held.trim() === '*' || held.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))) return reply.code(304).send();
    return reply.type(file.contentType).send(file.data);
  };
  const params = { type: 'object', properties: { file: { type: 'string', maxLength: 100 } }, required: ['file'] };

  app.get('/pictures/:file', {
    schema: {
      tags: ['files'],
      summary: 'A profile picture',
      description: '`{hash}-{size}.{webp|jpg}`, sizes 64, 256 and 512: anyone may have it while its profile is listed in the directory; otherwise only its owner and the organization\'s administrators (a bearer credential), and others get 404. `Cache-Control: public, max-age=31536000, immutable` (private for a picture not listed), a strong ETag (If-None-Match answers 304), nosniff.',
      params,
    },
  }, async (request, reply) => {
    const match = PICTURE_FILE.exec((request.params as { file: string }).file);
    const size = Number(match?.[2]);
    if (!match || !(PICTURE_SIZES as readonly number[]).includes(size)) throw new ProfiledError('upload.not_found');
    const file = await services.uploads.readPicture(await viewerOf(request), match[1]!, size, match[3] as PictureFormat);
    return serve(request, reply, file, {
      'cache-control': `${file.public ? 'public' : 'private'}, max-age=${YEAR_S}, immutable`,
      // A listed picture is for every site's <img>: the AISquare or OIDC client showing it is another origin.
      ...(file.public ? { 'cross-origin-resource-policy': 'cross-origin' } : {}),
    });
  });

  app.get('/resumes/:file', {
    schema: {
      tags: ['files'],
      summary: 'A résumé',
      description: '`{hash}.pdf`: to its owner, the organization\'s administrators, and the organization\'s members while the profile is listed (a bearer credential); others get 404. Served as an attachment with `Content-Security-Policy: sandbox` and nosniff, so a PDF that is also HTML cannot run in this origin.',
      params,
    },
  }, async (request, reply) => {
    const match = RESUME_FILE.exec((request.params as { file: string }).file);
    if (!match) throw new ProfiledError('upload.not_found');
    const file = await services.uploads.readResume(await viewerOf(request), match[1]!);
    return serve(request, reply, file, {
      // Who may have it can change (the profile leaves the directory): asked again each time, 304 while unchanged.
      'cache-control': 'private, no-cache',
      'content-disposition': 'attachment; filename="resume.pdf"',
      'content-security-policy': 'sandbox',
    });
  });
}
