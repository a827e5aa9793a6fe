import autocannon from 'autocannon';

export interface LoadResult {
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  readonly errors: number;
  /** Answers with a 2xx status. */
  readonly responses2xx: number;
  /** The errors apart: requests without an answer in autocannon's 10 s, and answers that were not 2xx. */
  readonly timeouts: number;
  readonly non2xx: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly method: string;
  /** Builds the n-th request (n counts across all connections). */
  readonly next: (n: number) => { path: string; body?: string; headers: Record<string, string> };
  /** Sees each response, for scenarios that carry state (rotating refresh tokens). */
  readonly onResponse?: (status: number, body: string) => void;
}

/** Drives one scenario with autocannon in this process and returns its figures. */
export async function drive(opts: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: opts.method as 'GET',
        setupRequest: (req: Record<string, unknown>) => {
          const r = opts.next(n++);
          return { ...req, path: r.path, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) };
        },
        ...(opts.onResponse ? { onResponse: (status: number, body: string) => opts.onResponse!(status, body) } : {}),
      },
    ],
  } as never);
  const r = result as unknown as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; timeouts: number; non2xx: number; '2xx': number; duration: number };
  return {
    requests: r.requests.total,
    reqPerSec: Math.round(r.requests.total / Math.max(r.duration, 0.001)),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    responses2xx: r['2xx'],
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}
