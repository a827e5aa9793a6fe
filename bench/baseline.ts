/**
 * The bare baseline: node:http + better-sqlite3 with Profiled's pragmas, no framework. It
 * checks a pre-shared bearer token, parses the JSON body, and for a PATCH runs one
 * transaction of prepared statements (an UPDATE of ten columns and the INSERT of one event);
 * its GET is one prepared SELECT. The same work with nothing around it: the practical limit
 * of this workload on this machine. Run as a child process: `node --import tsx bench/baseline.ts <db> <port> <token>`.
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [dbPath, portArg, token] = process.argv.slice(2);
const db = new Database(dbPath!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.exec(`
  create table if not exists profiles (id text primary key, version integer not null, given_name text, family_name text, display_name text,
    city text, street text, post_code text, position text, company_name text, business_area text, website text, updated_at text);
  create table if not exists events (id integer primary key autoincrement, profile_id text not null, version integer not null, at text not null, changes text not null);
`);
const columns = ['given_name', 'family_name', 'display_name', 'city', 'street', 'post_code', 'position', 'company_name', 'business_area', 'website'] as const;
const insert = db.prepare(`insert or ignore into profiles (id, version) values (?, 1)`);
for (let i = 0; i < 1000; i++) insert.run(`p${i}`);
const update = db.prepare(`update profiles set ${columns.map((c) => `${c} = coalesce(@${c}, ${c})`).join(', ')}, version = version + 1, updated_at = @at where id = @id returning version`);
const event = db.prepare('insert into events (profile_id, version, at, changes) values (?, ?, ?, ?)');
const select = db.prepare('select * from profiles where id = ?');
const patch = db.transaction((id: string, body: Record<string, unknown>) => {
  const params: Record<string, unknown> = { id, at: new Date().toISOString() };
  for (const c of columns) params[c] = typeof body[c] === 'string' ? body[c] : null;
  const row = update.all(params)[0] as { version: number } | undefined;
  if (!row) return undefined;
  event.run(id, row.version, params['at'], JSON.stringify(body));
  return row.version;
});

const expected = `Bearer ${token}`;
createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.headers.authorization !== expected) return send(401, { error: 'unauthorized' });
  const id = `p${Number(req.url?.split('/').pop() ?? 0) % 1000}`;
  if (req.method === 'GET') return send(200, select.all(id)[0]);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const version = patch(id, JSON.parse(Buffer.concat(chunks).toString('utf8')));
      send(200, { ok: true, version });
    } catch {
      send(400, { error: 'bad request' });
    }
  });
}).listen(Number(portArg), '127.0.0.1', () => process.send?.('ready'));
