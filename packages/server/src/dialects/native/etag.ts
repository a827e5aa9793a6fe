import { ProfiledError } from '@profiled/core';

export const etagOf = (version: number) => `"${version}"`;

/**
 * Parses If-Match / If-None-Match into versions: `undefined` when absent, `'*'` for any,
 * otherwise the listed versions (weak validators compare equal for our purposes).
 */
export function parseEtagList(header: string | undefined): '*' | number[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const versions: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(part);
    if (!m) throw new ProfiledError('request.precondition_malformed');
    versions.push(Number(m[1]));
  }
  return versions;
}
