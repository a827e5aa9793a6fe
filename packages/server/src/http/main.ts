import type { Config } from '../config/load.ts';
import { createApp } from './app.ts';

/**
 * Serves until SIGTERM or SIGINT, then shuts down gracefully: stop accepting connections,
 * let in-flight requests finish (up to SHUTDOWN_GRACE_MS), close the database, exit.
 */
export async function serve(config: Config): Promise<void> {
  const app = await createApp({ config });
  await app.server.listen({ host: config.host, port: config.port });
  app.logger.info({ database: app.storage.capabilities.name, url: `http://${config.host}:${config.port}` }, 'profiled listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.logger.error('shutdown grace period over; exiting');
      app.logger.flush(() => process.exit(1));
    }, config.shutdownGraceMs);
    timer.unref();
    const exit = (code: number) => app.logger.flush(() => process.exit(code));
    app.close().then(
      () => {
        app.logger.info('stopped');
        exit(0);
      },
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  // A crash is logged and written out before the process ends, so the cause is on disk.
  process.once('uncaughtException', (err) => {
    app.logger.fatal({ err }, 'uncaught exception; exiting');
    app.logger.flush(() => process.exit(1));
    setTimeout(() => process.exit(1), 1000).unref();
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
