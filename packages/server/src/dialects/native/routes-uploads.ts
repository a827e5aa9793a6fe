import multipart from '@fastify/multipart';
import { ProfiledError } from '@profiled/core';
import Type from 'typebox';
import type { FocalPoint, ProfileView } from '../../service/index.ts';
import { principalOf, type DialectContext, type FastifyInstance, type FastifyRequest } from '../port.ts';
import { registryBody } from '../support.ts';
import { ownProfileSender } from './own-profile.ts';
import { errorResponses, profileSchemas } from './schemas.ts';

/** Multipart bytes beyond the file itself: boundaries, part headers, the focal point's fields. */
const MULTIPART_FIELD_BYTES = 64;

/**
 * `PUT/DELETE /v1/me/picture` and `/v1/me/resume` (issue 23): the file as the request body,
 * or as the `multipart/form-data` part `file`. Whatever the content type or the file name
 * say, the bytes decide what the file is (the upload service sniffs them).
 */
export async function uploadRoutes(app: FastifyInstance, ctx: DialectContext): Promise<void> {
  const { services, registry } = ctx;
  const { pictureMaxBytes, resumeMaxBytes } = services.uploads.limits;
  const send = ownProfileSender(registry);
  const schemas = profileSchemas(registry);
  const security = [{ bearer: [] }];

  // In a scope of their own, so only these routes take raw bytes and multipart bodies: whatever
  // the content type says (JSON included), the body is bytes for the upload service to sniff.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    await scope.register(multipart, { limits: { files: 1, fields: 2, parts: 3, fieldSize: MULTIPART_FIELD_BYTES, headerPairs: 20 }, throwFileSizeLimit: true });
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    // Documentation only: bytes are no JSON for Ajv to check, the upload service checks them.
    const body = (kind: string, fields: Record<string, unknown> = {}) => ({
      content: {
        'application/octet-stream': { schema: registryBody({ type: 'string', format: 'binary', description: `The ${kind} as the raw request body, under any content type: its bytes say what it is.` }) },
        'multipart/form-data': { schema: registryBody({ type: 'object', properties: { file: { type: 'string', format: 'binary', description: `The ${kind}.` }, ...fields }, required: ['file'] }) },
      },
    });
    const focalFields = { x: { type: 'number', minimum: 0, maximum: 1, description: 'Focal point, left to right.' }, y: { type: 'number', minimum: 0, maximum: 1, description: 'Focal point, top to bottom.' } };
    const reply200 = { 200: schemas.own, ...errorResponses(400, 401, 403, 404, 413, 415, 422) };

    scope.put('/me/picture', {
      preHandler: ctx.authenticateSelf,
      bodyLimit: pictureMaxBytes,
      config: { rawBytes: true },
      schema: {
        summary: 'Upload my picture',
        description: `JPEG, PNG, WebP, GIF or AVIF (HEIC where this server's image library decodes it), at most PICTURE_MAX_BYTES (${pictureMaxBytes} bytes here; 413 above); the type is read from the bytes, anything else is 415. The image is turned upright, stripped of every metadata block (EXIF, GPS, XMP; colours converted to sRGB), cut square around the focal point \`x\`, \`y\` (0–1, the centre by default; query parameters or multipart fields) and stored as 64, 256 and 512 px WebP and JPEG at \`/pictures/{hash}-{size}.{webp|jpg}\`. An image of more than PICTURE_MAX_PIXELS pixels is refused before decoding (422), as is a damaged one. The profile's \`picture\` becomes the URL of the 256 px JPEG; the old picture's files are deleted.`,
      security,
      querystring: Type.Object({ x: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })), y: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })) }),
      body: body('picture', focalFields),
      response: reply200,
    },
    }, async (request, reply) => {
      const { bytes, fields } = await uploaded(request, pictureMaxBytes);
      const query = request.query as { x?: number; y?: number };
      const focus = focalPoint(fields['x'] ?? query.x, fields['y'] ?? query.y);
      return send(reply, await services.uploads.putPicture(principalOf(request), bytes, focus));
    });

    scope.put('/me/resume', {
      preHandler: ctx.authenticateSelf,
      bodyLimit: resumeMaxBytes,
      config: { rawBytes: true },
      schema: {
        summary: 'Upload my résumé',
        description: `A PDF (read from its bytes; anything else is 415), whole (a truncated one is 422), at most RESUME_MAX_BYTES (${resumeMaxBytes} bytes here; 413 above). Served at \`/resumes/{hash}.pdf\` as an attachment to you, the organization's administrators, and, while your profile is listed, the organization's members. The profile's \`resume\` becomes its URL.`,
        security,
        body: body('résumé'),
        response: reply200,
      },
    }, async (request, reply) => {
      const { bytes } = await uploaded(request, resumeMaxBytes);
      return send(reply, await services.uploads.putResume(principalOf(request), bytes));
    });

    const remove = (kind: 'picture' | 'resume', run: (request: FastifyRequest) => Promise<ProfileView>) =>
      scope.delete(`/me/${kind}`, {
        preHandler: ctx.authenticateSelf,
        schema: { summary: `Remove my ${kind === 'picture' ? 'picture' : 'résumé'}`, description: `Clears the profile's \`${kind}\` (an uploaded file or an outside URL); uploaded files nothing else refers to are deleted.`, security, response: { 200: schemas.own, ...errorResponses(401, 403, 404) } },
      }, async (request, reply) => send(reply, await run(request)));
    remove('picture', (request) => services.uploads.removePicture(principalOf(request)));
    remove('resume', (request) => services.uploads.removeResume(principalOf(request)));
  });
}

/** The uploaded bytes: the `file` part of a multipart body (with its few fields), or the whole body. */
async function uploaded(request: FastifyRequest, maxBytes: number): Promise<{ bytes: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart()) return { bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), fields: {} };
  const fields: Record<string, string> = {};
  let bytes: Buffer | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes } })) {
      if (part.type === 'field') fields[part.fieldname] = String(part.value);
      else if (part.fieldname === 'file' && bytes === undefined) bytes = await part.toBuffer();
      else {
        await part.toBuffer();
        throw new ProfiledError('upload.missing_file', { message: `Unexpected file part "${part.fieldname.slice(0, 50)}": send one part named "file".` });
      }
    }
  } catch (err) {
    if (err instanceof ProfiledError || (err as { statusCode?: number }).statusCode === 413) throw err;
    throw new ProfiledError('request.invalid_body', { message: 'The multipart body is malformed or cut short.' });
  }
  if (!bytes) throw new ProfiledError('upload.missing_file');
  return { bytes, fields };
}

/** The focal point from query parameters or multipart fields: numbers in 0–1, the centre for what is not given. */
function focalPoint(x: unknown, y: unknown): FocalPoint | undefined {
  if (x === undefined && y === undefined) return undefined;
  const coordinate = (name: string, v: unknown) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : 0.5;
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new ProfiledError('request.invalid_parameter', { message: `${name} must be a number from 0 to 1.`, issues: [{ field: name, code: 'request.invalid_parameter', message: `${name} must be a number from 0 to 1.` }] });
    return n;
  };
  return { x: coordinate('x', x), y: coordinate('y', y) };
}
