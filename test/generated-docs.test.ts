import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorCatalogue } from '@profiled/core';
import { generatedDocs } from '../scripts/generated-docs.ts';

describe('generated reference documents', () => {
  for (const [path, make] of Object.entries(generatedDocs)) {
    it(`${path} is up to date with the code (run \`npm run docs\`)`, async () => {
      assert.equal(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'), await make());
    });
  }
  it('every catalogue code is documented in docs/errors.md', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.keys(errorCatalogue)) assert.ok(doc.includes(`| \`${code}\` |`), `${code} is missing from docs/errors.md`);
  });
  it('codes are area.reason and unique', () => {
    for (const code of Object.keys(errorCatalogue)) assert.match(code, /^[a-z]+\.[a-z_]+$/);
  });
});
