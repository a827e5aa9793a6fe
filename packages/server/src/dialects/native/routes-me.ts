import { ProfiledError, type FieldValue } from '@profiled/core';
import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { registryBody } from '../support.ts';
import { etagOf, parseEtagList } from './etag.ts';
import { mergePatch } from './merge-patch.ts';
import { ownProfileSender } from './own-profile.ts';
import { errorResponses, profileSchemas } from './schemas.ts';

/** `/v1/me/…`: the signed-in person's own profile, password, profiles and history. */
export function meRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services, registry } = ctx;
  const schemas = profileSchemas(registry);
  const security = [{ bearer: [] }];
  const jsonFields = new Set(registry.fields.filter((f) => f.type === 'json').map((f) => f.name));
  const send = ownProfileSender(registry);

  app.get('/me/profile', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'Read my profile', description: 'The active profile of the signed-in account. The ETag is the profile version; If-None-Match answers 304.', security, response: { 200: schemas.own, 304: { type: 'null', description: 'Not modified.' }, ...errorResponses(401, 403, 404) } },
  }, async (request, reply) => {
    const view = await services.profiles.get(principalOf(request));
    const ifNoneMatch = parseEtagList(request.headers['if-none-match']);
    if (ifNoneMatch === '*' || ifNoneMatch?.includes(view.version)) return reply.code(304).header('etag', etagOf(view.version)).send();
    return send(reply, view);
  });

  app.patch('/me/profile', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Change my profile',
      description: 'A JSON merge patch (RFC 7396; `application/merge-patch+json` or `application/json`). Omitted fields stay as they are, `null` clears a nullable field; the request is applied whole or not at all. With `If-Match`, a stale version answers 412 and changes nothing.',
      security,
      headers: Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The ETag from a previous read.' })) }),
      body: registryBody(schemas.patch),
      response: { 200: schemas.own, ...errorResponses(400, 401, 403, 404, 412, 413, 415) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProfiledError('request.invalid_body');
    const ifMatch = parseEtagList(request.headers['if-match']);
    const expectedVersion = ifMatch === '*' || ifMatch === undefined ? undefined : ifMatch;
    const input = body as Record<string, unknown>;
    const merging = [...jsonFields].some((f) => isObject(input[f]));
    // Merging JSON fields reads the current value; retry if someone writes in between.
    for (let attempt = 0; ; attempt++) {
      const base = merging ? await services.profiles.get(principal) : undefined;
      const changes = base ? mergeJsonFields(input, base.values, jsonFields) : input;
      try {
        const view = await services.profiles.patch(principal, {
          changes,
          expectedVersion: base && expectedVersion === undefined ? base.version : expectedVersion,
        });
        return send(reply, view);
      } catch (err) {
        if (!(base && expectedVersion === undefined && attempt < 5 && err instanceof ProfiledError && err.code === 'profile.version_conflict')) throw err;
      }
    }
  });

  app.post('/me/password', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Change my password',
      description: 'Needs the current password; the new one must satisfy the organization\'s policy. Every other session of the account ends.',
      security,
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }), new_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 204: { type: 'null', description: 'Changed.' }, ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const { current_password, new_password } = request.body as { current_password: string; new_password: string };
    await services.profiles.patch(principalOf(request), { changes: {}, password: { current: current_password, next: new_password } });
    return reply.code(204).send();
  });

  app.get('/me/password-policy', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'My password rules',
      description: 'The password policy of the active profile\'s organization and its rules in words, so a form can show them before the person types.',
      security,
      response: {
        200: Type.Object({
          policy: Type.Object({ min_length: Type.Integer(), max_length: Type.Integer(), min_score: Type.Integer() }),
          rules: Type.Array(Type.String()),
        }),
        ...errorResponses(401, 403),
      },
    },
  }, async (request) => services.accounts.passwordRules(principalOf(request).orgId));

  app.get('/me/profiles', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'List my profiles',
      description: 'Every profile of the signed-in account, one per organization; the active one is marked.',
      security,
      response: {
        200: Type.Object({
          profiles: Type.Array(Type.Object({ id: Type.String(), org_id: Type.String(), org_slug: Type.String(), org_name: Type.String(), display_name: Type.String(), version: Type.Integer(), active: Type.Boolean() })),
        }),
        ...errorResponses(401, 403),
      },
    },
  }, async (request) => ({ profiles: await services.profiles.list(principalOf(request)) }));

  app.post('/me/profiles/:profileId/activate', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Switch my active profile',
      description: 'Makes another profile of the account (another organization) the active one and answers a new access token for it. The session, and its refresh token, follow the switch.',
      security,
      params: Type.Object({ profileId: Type.String({ maxLength: 64 }) }),
      response: {
        200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() }),
        ...errorResponses(401, 403, 404),
      },
    },
  }, async (request) => services.sessions.switchProfile(principalOf(request), (request.params as { profileId: string }).profileId));

  app.get('/me/history', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'My profile history',
      description: 'Every change of the active profile, newest first: who, when, and each field\'s old and new value (secrets are recorded without values). Paginated by version.',
      security,
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only versions below this one (the `next` cursor).' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          events: Type.Array(Type.Object({
            version: Type.Integer(),
            kind: Type.String(),
            at: Type.String({ format: 'date-time' }),
            actor_id: Type.Union([Type.String(), Type.Null()]),
            changes: Type.Array(Type.Object({ field: Type.String(), old: Type.Optional(Type.Unknown()), new: Type.Optional(Type.Unknown()) })),
          })),
          next: Type.Union([Type.String(), Type.Null()]),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const { limit, before } = request.query as { limit: number; before?: number };
    const page = await services.profiles.history(principalOf(request), { limit, ...(before ? { beforeVersion: before } : {}) });
    return {
      events: page.events.map(({ profile_id: _p, ...e }) => e),
      next: page.nextBeforeVersion ? `/v1/me/history?limit=${limit}&before=${page.nextBeforeVersion}` : null,
    };
  });

  app.post('/me/logout', {
    preHandler: ctx.authenticateSelf,
    schema: { summary: 'End my session', description: 'Revokes the current session: its refresh token and access tokens stop working.', security, response: { 204: { type: 'null', description: 'Ended.' }, ...errorResponses(401) } },
  }, async (request, reply) => {
    await services.sessions.logout(principalOf(request));
    return reply.code(204).send();
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeJsonFields(input: Record<string, unknown>, current: Readonly<Record<string, FieldValue>>, jsonFields: ReadonlySet<string>) {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(input)) out[k] = jsonFields.has(k) && isObject(v) ? mergePatch(current[k], v) : v;
  return out;
}

