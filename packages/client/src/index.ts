/** @profiled/client: typed clients for Profiled's dialects. */
export { createNativeClient, ProblemError, type NativeClient, type NativeClientOptions, type Problem, type TokenPair, type HistoryEvent } from './native/client.ts';
export type { Profile, ProfilePatch, JsonValue } from './native/profile-types.ts';
export * as nexudus from './nexudus/index.ts';
