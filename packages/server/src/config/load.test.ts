import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused at start-up`);
};

describe('config: CORS_ORIGINS', () => {
  it('unset or empty → no origin is granted CORS', () => {
    assert.deepEqual(loadConfig({}).corsOrigins, []);
    assert.deepEqual(loadConfig({ CORS_ORIGINS: ' ' }).corsOrigins, []);
  });

  it('a comma-separated list of exact origins, trimmed, duplicates dropped, frozen', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,,https://app.example.com' });
    assert.deepEqual(config.corsOrigins, ['https://app.example.com', 'http://localhost:5173']);
    assert.ok(Object.isFrozen(config.corsOrigins));
  });

  it('an entry that is not an exact http(s) origin → a start-up error naming it, beside every other problem', () => {
    for (const bad of ['*', 'null', 'app.example.com', 'https://app.example.com/', 'https://app.example.com/portal', 'https://APP.example.com', 'ftp://app.example.com', 'https://user@app.example.com', 'https://app.example.com?x=1']) {
      const problems = problemsOf({ CORS_ORIGINS: `https://ok.example.com,${bad}` });
      assert.equal(problems.length, 1, bad);
      assert.match(problems[0]!, /^CORS_ORIGINS entries must be origins like https:\/\/app\.example\.com/, bad);
      assert.ok(problems[0]!.includes(`(got "${bad}")`), bad);
    }
    const both = problemsOf({ CORS_ORIGINS: 'https://a.example.com/x', PORT: 'eighty' });
    assert.equal(both.length, 2, 'reported together with the other problems');
  });
});
