import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLimiter } from './limiter.ts';

describe('createLimiter', () => {
  it('runs at most its size at once, the rest in the order they came, and every task to its end', async () => {
    const run = createLimiter(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const tasks = Array.from({ length: 6 }, (_, i) =>
      run(async () => {
        started.push(i);
        most = Math.max(most, ++active);
        await new Promise<void>((resolve) => release.push(resolve));
        active--;
        return i;
      }),
    );
    for (let done = 0; done < 6; done++) {
      while (release.length === 0) await new Promise((r) => setImmediate(r));
      release.shift()!();
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4, 5]);
    assert.equal(most, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  });

  it('a task that fails gives its slot to the next', async () => {
    const run = createLimiter(1);
    const failed = run(async () => {
      throw new Error('no');
    });
    const next = run(async () => 'ran');
    await assert.rejects(failed, /no/);
    assert.equal(await next, 'ran');
  });
});
