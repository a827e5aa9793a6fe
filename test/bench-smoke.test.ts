import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';

interface SmokeReport {
  readonly rows: readonly { name: string; targeted: boolean; skipped?: string; errors?: number; reqPerSec?: number; responses2xx?: number }[];
  readonly server: { peakRssMb: number };
  readonly directory: { profiles: number; queries: readonly { q: string; matches: number; firstPage: number | null }[] };
}

/** Keeps `npm run bench` working: one second per scenario, no timing assertions. */
describe('npm run bench -- --smoke', () => {
  let report: SmokeReport;

  before(async () => {
    const root = new URL('..', import.meta.url).pathname;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 240_000 });
    report = JSON.parse(readFileSync(`${root}bench/results/smoke.json`, 'utf8')) as SmokeReport;
  });

  it('runs every served scenario against the baseline without errors and writes its report', () => {
    const ran = report.rows.filter((r) => !r.skipped);
    assert.ok(ran.some((r) => r.name === 'native PATCH /v1/me/profile'));
    for (const row of ran) {
      assert.equal(row.errors, 0, `${row.name} had errors`);
      assert.ok((row.reqPerSec ?? 0) > 0, `${row.name} served nothing`);
    }
    assert.ok(report.server.peakRssMb > 0);
  });

  it('GET /v1/directory?q=… runs as a targeted scenario: zero errors, 2xx answers', () => {
    const search = report.rows.find((r) => r.name === 'native GET /v1/directory?q=…');
    assert.ok(search && !search.skipped, 'the directory search ran');
    assert.equal(search.targeted, true);
    assert.equal(search.errors, 0);
    assert.ok((search.responses2xx ?? 0) > 0, 'the directory search answered 2xx');
  });

  it('seeds 300 directory profiles in which each query finds a different number, as served', () => {
    assert.equal(report.directory.profiles, 300);
    const matches = report.directory.queries.map((d) => d.matches);
    assert.equal(new Set(matches).size, matches.length, `matches per query: ${matches.join(', ')}`);
    for (const d of report.directory.queries) {
      assert.ok(d.matches > 0, `"${d.q}" matches nothing`);
      assert.equal(d.firstPage, Math.min(d.matches, 20), `"${d.q}": the first page of GET /v1/directory`);
    }
  });
});
