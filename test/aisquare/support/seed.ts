import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parseFlatOpenApi } from './flat-yaml.ts';

/**
 * Seed 004 — the AISquare contract — read from the seed document itself: the shared copy
 * when this checkout sits beside it, else the verbatim copy kept with the fixtures (a test
 * checks the two are identical whenever both exist).
 */
export const SHARED_SEED = new URL('../../../../shared/seeds/004_831c4fcf54e168ef.txt', import.meta.url);
export const VENDORED_SEED = new URL('../../fixtures/aisquare/seed-004_831c4fcf54e168ef.txt', import.meta.url);

export const seedText: string = readFileSync(existsSync(SHARED_SEED) ? SHARED_SEED : VENDORED_SEED, 'utf8');

/** The seed's ```yaml block. */
export function yamlBlock(text = seedText): string {
  const start = text.indexOf('```yaml');
  const end = text.indexOf('```', start + 7);
  if (start < 0 || end < 0) throw new Error('seed 004: no ```yaml block');
  return text.slice(start + 7, end);
}

export const openapi = parseFlatOpenApi(yamlBlock());

/** The JavaScript SDK example's request body, exactly as the seed spells it. */
export function sdkExampleBody(text = seedText): string {
  const m = /```javascript Profile Update Example[\s\S]*?body: '([^']*)'/.exec(text);
  if (!m) throw new Error('seed 004: no JavaScript SDK example body');
  return m[1]!;
}

/**
 * Ajv over the seed's own component schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses it),
 * with formats asserted. Two readings, documented in the README: `format: double` is a
 * number format Ajv does not know, so it is declared; and "" (a blank value, what the
 * dialect shows for an unset optional string) passes `uri` and `date` — every non-blank
 * value must be a real URI or date.
 */
function createValidator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  for (const name of ['uri', 'date'] as const) {
    const strict = ajv.formats[name] as ((s: string) => boolean) | { validate: (s: string) => boolean };
    const test = typeof strict === 'function' ? strict : strict.validate;
    ajv.addFormat(name, (s: string) => s === '' || test(s));
  }
  // The schemas are addressed where the seed puts them, `#/components/schemas/…`.
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'seed-004', components: openapi.components }, 'seed-004');
  return ajv;
}

const ajv = createValidator();
const cache = new Map<string, ValidateFunction>();

/** The validator of one `components/schemas` entry of the seed. */
export function seedSchema(name: string): ValidateFunction {
  let v = cache.get(name);
  if (!v) {
    v = ajv.getSchema(`seed-004#/components/schemas/${name}`);
    if (!v) throw new Error(`seed 004 has no schema ${name}`);
    cache.set(name, v);
  }
  return v;
}

/** Fails with Ajv's own report when `body` is not a valid `IAMUserDetailView`. */
export function assertView(body: unknown): void {
  const validate = seedSchema('IAMUserDetailView');
  if (!validate(body)) throw new Error(`not an IAMUserDetailView: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
}
