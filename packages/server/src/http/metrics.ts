import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { DirectoryPageStats } from '../service/directory-pages.ts';

/**
 * Prometheus metrics for one app: requests and latency by method, route pattern and status,
 * plus the process defaults. A registry per app, so tests can run several side by side.
 */
export function registerMetrics(app: FastifyInstance, directoryPages: DirectoryPageStats): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests handled.', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency.',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });
  registerDirectoryPages(registry, directoryPages);
  return registry;
}

/** The kept directory pages: served from the copy, rendered anew, and what the copies hold. */
function registerDirectoryPages(registry: Registry, stats: DirectoryPageStats): void {
  new Counter({
    name: 'profiled_directory_page_requests_total',
    help: 'Directory pages asked for, by whether a kept rendering was served (hit) or the page was rendered (miss).',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'hit' }, stats.hits);
      this.inc({ result: 'miss' }, stats.misses);
    },
  });
  new Gauge({
    name: 'profiled_directory_page_cache_ratio',
    help: 'Of the directory pages asked for since start, the share served from a kept rendering.',
    registers: [registry],
    collect() {
      const all = stats.hits + stats.misses;
      this.set(all === 0 ? 0 : stats.hits / all);
    },
  });
  new Gauge({
    name: 'profiled_directory_page_cache_bytes',
    help: 'Bytes of rendered directory pages kept (bounded by DIRECTORY_CACHE_MB).',
    registers: [registry],
    collect() {
      this.set(stats.bytes);
    },
  });
  new Gauge({
    name: 'profiled_directory_page_cache_entries',
    help: 'Rendered directory pages kept.',
    registers: [registry],
    collect() {
      this.set(stats.entries);
    },
  });
}
