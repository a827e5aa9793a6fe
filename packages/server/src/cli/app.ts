import type { App } from '../http/app.ts';
import { loadConfig } from '../config/load.ts';

/**
 * Runs `fn` with the services, then closes the database. The application (Fastify, the
 * dialects, the drivers) is imported on first use, not with the CLI: `--help` and the
 * commands that only read files start in a fraction of the time, and open nothing.
 */
export async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const { createApp } = await import('../http/app.ts');
  const app = await createApp({ config: loadConfig(undefined, {}, { logLevel: 'warn' }), background: false });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
