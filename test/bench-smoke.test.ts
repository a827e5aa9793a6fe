import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

/** Keeps `npm run bench` working: one second per scenario, no timing assertions. */
describe('npm run bench -- --smoke', () => {
  it('runs every served scenario against the baseline without errors and writes its report', async () => {
    const root = new URL('..', import.meta.url).pathname;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 240_000 });
    const report = JSON.parse(readFileSync(`${root}bench/results/smoke.json`, 'utf8')) as { rows: { name: string; skipped?: string; errors?: number; reqPerSec?: number }[]; server: { peakRssMb: number } };
    const ran = report.rows.filter((r) => !r.skipped);
    assert.ok(ran.some((r) => r.name === 'native PATCH /v1/me/profile'));
    for (const row of ran) {
      assert.equal(row.errors, 0, `${row.name} had errors`);
      assert.ok((row.reqPerSec ?? 0) > 0, `${row.name} served nothing`);
    }
    assert.ok(report.server.peakRssMb > 0);
  });
});
