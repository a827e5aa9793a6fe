import { ConfigError, loadConfig } from '../../packages/server/src/config/load.ts';

/** What loadConfig refuses in this environment: its problems, or none when it loads. */
export function configProblems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
