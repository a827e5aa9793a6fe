import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { backends } from './support/backends.ts';
import { freePort } from './support/pg-cluster.ts';

const bin = new URL('../packages/server/bin/profiled.js', import.meta.url).pathname;

for (const backend of backends) {
  describe(`log lines reach the disk within a second on an idle server (${backend.name})`, () => {
    it('a failed request, then a second of quiet, then SIGKILL: its line is in the log file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'profiled-logs-'));
      const logFile = join(dir, 'server.log');
      const fd = openSync(logFile, 'w');
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [bin, 'serve'], {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', HOME: dir, DATABASE_URL: await backend.freshDatabase(), PORT: String(port), LOG_LEVEL: 'info' },
        stdio: ['ignore', fd, 'ignore'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        let up = false;
        for (let i = 0; i < 300 && !up; i++) {
          up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
          if (!up) await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(up, 'the server came up');
        // Let the start-up lines go out first, so the line looked for is the only one waiting.
        await new Promise((r) => setTimeout(r, 1200));
        const requestId = `log-flush-${process.pid}-${Date.now()}`;
        const res = await fetch(`${url}/v1/me/profile`, { headers: { 'x-request-id': requestId } });
        assert.equal(res.status, 401);
        await new Promise((r) => setTimeout(r, 1000));
        child.kill('SIGKILL');
        await exited;
        const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; req?: { id: string }; res?: { statusCode: number } });
        const line = lines.find((l) => l.req?.id === requestId);
        assert.ok(line, `the request's line is on disk; the file holds:\n${lines.map((l) => l.msg).join('\n')}`);
        assert.deepEqual([line.msg, line.res?.statusCode], ['request completed', 401]);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        closeSync(fd);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
