import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestServer } from '../../support/server.ts';

/**
 * Deletes a profile row behind the server's back, to reach states no API produces (a token
 * whose profile has gone). Test-only: the server itself never deletes profiles this way.
 */
export async function deleteProfileRow(server: TestServer, profileId: string): Promise<void> {
  if (server.databaseUrl.startsWith('sqlite:')) {
    const db = new Database(server.databaseUrl.slice('sqlite:'.length));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('delete from profiles where id = ?').run(profileId);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    await client.query('delete from profiles where id = $1', [profileId]);
  } finally {
    await client.end();
  }
}
