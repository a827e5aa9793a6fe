/**
 * A reader for the OpenAPI document in seed 004, whose YAML block was stored with its line
 * breaks and indentation flattened into single spaces. Plain YAML parsers (the `yaml`
 * package included) cannot read that: indentation was the structure. What is left is a
 * stream of `key:` tokens, `-` list markers and scalar words, and the nesting follows from
 * OpenAPI's own grammar — which keys each object may hold and what shape of value each takes.
 * The reader is strict: a token it cannot place, a `$ref` that does not resolve or a
 * `required` name without its property fails loudly rather than guessing.
 */

type Token = { kind: 'key'; text: string } | { kind: 'dash' } | { kind: 'word'; text: string };

/** A node of the grammar: what may appear where, and in which shape. */
type Rule =
  | { kind: 'scalar' }
  | { kind: 'scalarOrList' }
  | { kind: 'list'; item: Rule }
  | { kind: 'object'; fields: () => Record<string, Rule>; closedBy?: string; requiresFirst?: Record<string, string> }
  | { kind: 'map'; key: RegExp; value: Rule };

const scalar: Rule = { kind: 'scalar' };
const list = (item: Rule): Rule => ({ kind: 'list', item });
const map = (key: RegExp, value: Rule): Rule => ({ kind: 'map', key, value });
const object = (fields: () => Record<string, Rule>, extra: Partial<Extract<Rule, { kind: 'object' }>> = {}): Rule => ({ kind: 'object', fields, ...extra });

const ANY = /^.+$/;
// A schema holding `$ref` is closed (drf-spectacular puts no siblings beside it); `required`
// belongs to a schema with `properties`, so it cannot attach to the last property's schema.
const schema: Rule = object(
  () => ({
    $ref: scalar,
    type: { kind: 'scalarOrList' },
    format: scalar,
    title: scalar,
    description: scalar,
    default: scalar,
    enum: list(scalar),
    properties: map(ANY, schema),
    items: schema,
    required: list(scalar),
    oneOf: list(schema),
    anyOf: list(schema),
    allOf: list(schema),
  }),
  { closedBy: '$ref', requiresFirst: { required: 'properties' } },
);
const mediaTypes = map(/\//, object(() => ({ schema })));
const operation = object(() => ({
  operationId: scalar,
  summary: scalar,
  description: scalar,
  tags: list(scalar),
  responses: map(/^(\d{3}|default)$/, object(() => ({ description: scalar, content: mediaTypes }))),
  requestBody: object(() => ({ description: scalar, required: scalar, content: mediaTypes })),
}));
const document: Rule = object(() => ({
  openapi: scalar,
  info: object(() => ({ title: scalar, version: scalar, description: scalar })),
  paths: map(/^\//, object(() => ({ get: operation, put: operation, post: operation, patch: operation, delete: operation }))),
  components: object(() => ({ schemas: map(ANY, schema) })),
}));

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let word = '';
    if (text[i] === "'" || text[i] === '"') {
      const q = text[i]!;
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new Error(`flat-yaml: unterminated quote at ${i}`);
        if (text[j] === q && q === "'" && text[j + 1] === "'") j += 2;
        else if (text[j] === q) break;
        else j++;
      }
      word = text.slice(i, j + 1);
      i = j + 1;
      if (text[i] === ':' && (i + 1 >= text.length || /\s/.test(text[i + 1]!))) {
        tokens.push({ kind: 'key', text: unquote(word) as string });
        i++;
        continue;
      }
      tokens.push({ kind: 'word', text: word });
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    word = text.slice(i, j);
    i = j;
    if (word === '-') tokens.push({ kind: 'dash' });
    else if (word.endsWith(':') && word.length > 1) tokens.push({ kind: 'key', text: word.slice(0, -1) });
    else tokens.push({ kind: 'word', text: word });
  }
  return tokens;
}

function unquote(word: string): string {
  if (word.startsWith("'")) return word.slice(1, -1).replace(/''/g, "'");
  if (word.startsWith('"')) return JSON.parse(word) as string;
  return word;
}

/** Joins a run of scalar words; plain `true`/`false`/`null` and numbers become JSON values. */
function scalarOf(words: string[]): unknown {
  const parts = words[0] === '>-' || words[0] === '>' || words[0] === '|' ? words.slice(1) : words;
  if (parts.length === 1 && /^['"]/.test(parts[0]!)) return unquote(parts[0]!);
  const text = parts.join(' ');
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

type Shape = 'scalar' | 'list' | 'map';

function parse(tokens: Token[]): unknown {
  let at = 0;
  // Inside a list item a lone `-` starts the next item, even after a scalar of a nested object.
  let listDepth = 0;
  const shapeAfterKey = (i: number): Shape => {
    const next = tokens[i + 1];
    return next?.kind === 'key' ? 'map' : next?.kind === 'dash' ? 'list' : 'scalar';
  };
  const fits = (rule: Rule, shape: Shape) =>
    rule.kind === 'scalar' ? shape === 'scalar' : rule.kind === 'scalarOrList' ? shape !== 'map' : rule.kind === 'list' ? shape === 'list' : shape === 'map';

  function readScalar(stopAtDash: boolean): unknown {
    const words: string[] = [];
    while (at < tokens.length) {
      const t = tokens[at]!;
      if (t.kind === 'key' || (t.kind === 'dash' && stopAtDash)) break;
      words.push(t.kind === 'word' ? t.text : '-');
      at++;
    }
    if (words.length === 0) throw new Error(`flat-yaml: expected a value at token ${at}`);
    return scalarOf(words);
  }

  function read(rule: Rule): unknown {
    switch (rule.kind) {
      case 'scalar':
        return readScalar(listDepth > 0);
      case 'scalarOrList':
        return tokens[at]?.kind === 'dash' ? read(list(scalar)) : readScalar(listDepth > 0);
      case 'list': {
        const items: unknown[] = [];
        while (tokens[at]?.kind === 'dash') {
          at++;
          listDepth++;
          items.push(read(rule.item));
          listDepth--;
        }
        return items;
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        const fields = rule.fields();
        while (at < tokens.length) {
          const t = tokens[at]!;
          if (t.kind !== 'key' || !Object.hasOwn(fields, t.text) || Object.hasOwn(out, t.text)) break;
          if (rule.closedBy && Object.hasOwn(out, rule.closedBy)) break;
          const needs = rule.requiresFirst?.[t.text];
          if (needs && !Object.hasOwn(out, needs)) break;
          const field = fields[t.text]!;
          if (!fits(field, shapeAfterKey(at))) break;
          at++;
          out[t.text] = read(field);
        }
        return out;
      }
      case 'map': {
        const out: Record<string, unknown> = {};
        while (at < tokens.length) {
          const t = tokens[at]!;
          if (t.kind !== 'key' || !rule.key.test(t.text) || Object.hasOwn(out, t.text) || shapeAfterKey(at) !== 'map') break;
          at++;
          out[t.text] = read(rule.value);
        }
        return out;
      }
    }
  }

  const doc = read(document);
  if (at !== tokens.length) throw new Error(`flat-yaml: could not place token ${at} of ${tokens.length}: ${JSON.stringify(tokens[at])}`);
  return doc;
}

/** Every `$ref` resolves and every `required` name is a declared property, or this throws. */
function check(doc: any): void {
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}/${i}`));
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o['$ref'] === 'string') {
      const target = (o['$ref'] as string).replace(/^#\//, '').split('/').reduce<any>((n, p) => n?.[p], doc);
      if (!target) throw new Error(`flat-yaml: ${where}: ${o['$ref']} does not resolve`);
    }
    if (Array.isArray(o['required']) && o['properties']) {
      for (const name of o['required'] as string[]) {
        if (!Object.hasOwn(o['properties'] as object, name)) throw new Error(`flat-yaml: ${where}: required "${name}" is not a property`);
      }
    }
    for (const [k, v] of Object.entries(o)) visit(v, `${where}/${k}`);
  };
  visit(doc, '#');
}

/** Parses the flattened OpenAPI YAML of a seed document. */
export function parseFlatOpenApi(yamlText: string): any {
  const doc = parse(tokenize(yamlText));
  check(doc);
  return doc;
}
