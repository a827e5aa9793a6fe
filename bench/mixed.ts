/**
 * A closed-loop load of several kinds of request at once, each kind's throughput and latency
 * reported apart (autocannon reports one latency for all its requests). `connections`
 * loops share one keep-alive agent; the n-th request is of the kind its weight says, so
 * 80/10/10 weights send eight of every ten requests as the first kind.
 */
import { Agent, request } from 'node:http';

export interface MixedKind {
  readonly name: string;
  readonly weight: number;
  readonly method: 'GET' | 'PATCH';
  readonly next: (n: number) => { path: string; headers: Record<string, string>; body?: string };
}

export interface KindFigures {
  readonly name: string;
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

const percentile = (sorted: readonly number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!);

export async function driveMixed(opts: { url: string; connections: number; seconds: number; kinds: readonly MixedKind[] }): Promise<KindFigures[]> {
  const { hostname, port } = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const wheel = opts.kinds.flatMap((k, i) => Array.from({ length: k.weight }, () => i));
  const latencies = opts.kinds.map(() => [] as number[]);
  const errors = opts.kinds.map(() => 0);
  let n = 0;
  const until = Date.now() + opts.seconds * 1000;
  const once = (kind: number, i: number) =>
    new Promise<void>((resolve) => {
      const k = opts.kinds[kind]!;
      const r = k.next(i);
      const started = process.hrtime.bigint();
      const req = request({ agent, hostname, port, method: k.method, path: r.path, headers: r.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode! >= 200 && res.statusCode! < 300) latencies[kind]!.push(Number(process.hrtime.bigint() - started) / 1e6);
          else errors[kind]!++;
          resolve();
        });
      });
      req.on('error', () => {
        errors[kind]!++;
        resolve();
      });
      req.end(r.body);
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (Date.now() < until) {
        const i = n++;
        await once(wheel[i % wheel.length]!, i);
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  return opts.kinds.map((k, i) => {
    const sorted = latencies[i]!.sort((a, b) => a - b);
    return { name: k.name, requests: sorted.length, reqPerSec: Math.round(sorted.length / elapsed), p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), errors: errors[i]! };
  });
}
