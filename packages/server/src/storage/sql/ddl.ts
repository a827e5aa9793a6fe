/**
 * DDL text with identifiers spliced in: every spliced value must be a plain SQL identifier
 * (or a list of them), so nothing but registry column names can ever reach schema SQL.
 * Values (never identifiers) always go through bound parameters instead.
 */
// A plain identifier, optionally qualified (`new.display_name` inside a trigger).
const IDENT = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

export function ddl(strings: TemplateStringsArray, ...identifiers: (string | readonly string[])[]): string {
  const check = (id: string) => {
    if (!IDENT.test(id)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(id)}`);
    return id;
  };
  return strings.reduce((out, part, i) => {
    if (i === 0) return part;
    const id = identifiers[i - 1]!;
    return out + (typeof id === 'string' ? check(id) : id.map(check).join(', ')) + part;
  }, '');
}
