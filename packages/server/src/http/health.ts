import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Storage } from '../storage/port.ts';

/** Liveness, readiness (the database answers) and Prometheus metrics. */
export function healthRoutes(app: FastifyInstance, opts: { storage: Storage; metrics: Registry }) {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness', description: 'The process is up.' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Readiness', description: 'The database answers.' } }, async (request, reply) => {
    try {
      await opts.storage.ping();
      return { status: 'ready', database: opts.storage.capabilities.name };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', database: opts.storage.capabilities.name });
    }
  });
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Metrics', description: 'Prometheus text format.' } }, async (_request, reply) => {
    reply.type(opts.metrics.contentType);
    return opts.metrics.metrics();
  });
}
