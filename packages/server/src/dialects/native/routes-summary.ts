import Type from 'typebox';
import { principalOf, type DialectContext, type FastifyInstance } from '../port.ts';
import { errorResponses } from './schemas.ts';

/** `POST /v1/me/profile/summary:generate`: a summary written for review; nothing is saved. */
export function summaryRoutes(app: FastifyInstance, ctx: DialectContext): void {
  const { services } = ctx;
  // `::` is a literal colon in a Fastify path (the Google-style custom method).
  app.post('/me/profile/summary::generate', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Write my profile summary',
      description: 'A Markdown summary written from the professional fields only (name, position, company, business area, tags), by the configured OpenAI-compatible provider or the offline writer, in the profile\'s preferred language where supported. It is not saved: review it and PATCH `summary`. Rate limited per account; a provider timeout answers 504, a provider failure 502.',
      security: [{ bearer: [] }],
      response: {
        200: Type.Object({ summary: Type.String(), summary_html: Type.String(), provider: Type.String() }),
        ...errorResponses(401, 403, 429, 502, 504),
      },
    },
  }, async (request) => {
    const result = await services.summaries.generate(principalOf(request));
    return { ...result, summary_html: services.markdown.renderSummary(result.summary) };
  });

  app.post('/me/profile/summary::preview', {
    preHandler: ctx.authenticateSelf,
    schema: {
      summary: 'Preview a profile summary',
      description: 'Renders Markdown exactly as the directory will show it (raw HTML off, then sanitized to a small allowlist). Nothing is saved; the portal\'s live preview uses it so that preview and directory can never disagree.',
      security: [{ bearer: [] }],
      body: Type.Object({ summary: Type.String({ maxLength: 20_000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ summary_html: Type.String() }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => ({ summary_html: services.markdown.renderSummary((request.body as { summary: string }).summary) }));
}
