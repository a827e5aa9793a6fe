/** One line of the bench table. */
export interface Row {
  readonly name: string;
  readonly targeted: boolean;
  readonly skipped?: string;
  readonly requests?: number;
  readonly reqPerSec?: number;
  readonly p50?: number;
  readonly p99?: number;
  readonly errors?: number;
  readonly responses2xx?: number;
  /** req/s as a share of the baseline's. */
  readonly ratio?: number | null;
  /** p99 as a multiple of the baseline's. */
  readonly p99Ratio?: number | null;
}

interface Report {
  readonly database: string;
  readonly machine: { cores: number; cpu: string; node: string };
  /** peakRssMb: over the targeted PATCH and GET scenarios; peakRssWholeRunMb: the sign-ins included. */
  readonly server: { runtime?: string; heapLimitMb?: string; peakRssMb: number; peakRssWholeRunMb?: number };
  readonly targets: { minRatio: number; maxP99Ratio: number; maxErrors: number; maxPeakRssMb: number };
  readonly rows: readonly Row[];
  /** The directory scenarios' data: how many profiles were seeded, how many each query matches. */
  readonly directory?: { readonly profiles: number; readonly queries: readonly { readonly q: string; readonly matches: number }[] };
  /** The bulk-import scenario (bench/import.ts). */
  readonly import?: { readonly rows: number; readonly seconds: number; readonly rowsPerSecond: number; readonly targetSeconds: number };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : `${Math.round(x * 100)} %`);

/** The verdict on one targeted row against the targets. */
export function verdict(row: Row, t: Report['targets']): string {
  if (!row.targeted) return '';
  if (row.skipped) return 'skipped';
  const ok = (row.ratio ?? 0) >= t.minRatio && (row.p99Ratio ?? Infinity) <= t.maxP99Ratio && (row.errors ?? 1) <= t.maxErrors;
  return ok ? 'meets' : 'MISSES';
}

/** A Markdown table (it reads well in a terminal and pastes into bench/README.md). */
export function formatTable(report: Report): string {
  const lines = [
    `database: ${report.database} · ${report.machine.cores} cores (${report.machine.cpu}) · node ${report.machine.node} · server from the ${report.server.runtime ?? 'bundle'}${report.server.heapLimitMb ? `, heap limit ${report.server.heapLimitMb === '0' ? 'Node\'s default' : `${report.server.heapLimitMb} MB`}` : ''} · peak RSS ${report.server.peakRssMb} MB over the PATCH and GET scenarios (target < ${report.targets.maxPeakRssMb})${report.server.peakRssWholeRunMb ? `, ${report.server.peakRssWholeRunMb} MB with the sign-ins` : ''}`,
    ...(report.directory ? [`directory: ${report.directory.profiles} seeded public profiles besides the accounts; matches per query: ${report.directory.queries.map((d) => `"${d.q}" ${d.matches}`).join(' · ')}`] : []),
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | vs baseline req/s | vs baseline p99 | target |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of report.rows) {
    if (r.skipped) {
      lines.push(`| ${r.name} | — | — | — | — | — | — | ${r.skipped} |`);
      continue;
    }
    lines.push(`| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} | ${pct(r.ratio)} | ${r.p99Ratio ? `${r.p99Ratio.toFixed(1)}×` : ''} | ${verdict(r, report.targets)} |`);
  }
  if (report.import) {
    const i = report.import;
    const met = i.rows < 100_000 ? '' : i.seconds <= i.targetSeconds ? ' — meets' : ' — MISSES';
    lines.push('', `import: ${i.rows} CSV rows by \`profiled import\` in ${i.seconds} s, ${i.rowsPerSecond} rows/s (target: 100 000 in ${i.targetSeconds} s)${met}`);
  }
  return lines.join('\n');
}
