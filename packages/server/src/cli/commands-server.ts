import { compileRegistry, registry } from '@profiled/core';
import { loadConfig } from '../config/load.ts';
import { defineCommand } from './command.ts';

/** `serve` and `migrate`: the server itself and its database schema. */
export const serverCommands = [
  defineCommand({
    path: ['serve'],
    summary: 'serve the API and portal',
    description: 'Listens on HOST:PORT (127.0.0.1:8080) with the data in DATABASE_URL, migrating it first; stops gracefully on SIGTERM or SIGINT.',
    options: {},
    async run() {
      // Imported here: the server graph is the heaviest part of the CLI, and only this needs it.
      const { serve } = await import('../http/main.ts');
      await serve(loadConfig());
      return undefined;
    },
  }),
  defineCommand({
    path: ['migrate'],
    summary: 'apply database migrations and exit',
    description: 'Prints {"ok", "database", "applied", "addedColumns"}; a second run applies nothing.',
    options: {},
    async run() {
      const { openStorage } = await import('../storage/index.ts');
      const config = loadConfig();
      const storage = await openStorage({ url: config.databaseUrl, registry: compileRegistry(registry), sqliteSynchronous: config.sqliteSynchronous, now: () => new Date().toISOString() });
      try {
        return { ok: true, database: storage.capabilities.name, ...(await storage.migrate()) };
      } finally {
        await storage.close();
      }
    },
  }),
];
