import { issue, type CompiledRegistry, type FieldIssue } from '@profiled/core';

const TRUE = /^(?:true|yes|y|1)$/i;
const FALSE = /^(?:false|no|n|0)$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A comma-separated cell as its items, trimmed, empty ones dropped. */
export const splitList = (cell: string) =>
  cell
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * CSV cells (text) as the values the registry walker takes, by each field's declared type:
 * true/false (also yes/no, 1/0), numbers, comma-separated lists, JSON text for JSON fields.
 * A cell that is none of these stays text, so the walker refuses it with the API's own
 * message; only JSON that does not parse is reported here. Unknown columns pass through
 * untouched, for the walker to name.
 */
export function fromCells(registry: CompiledRegistry, cells: Readonly<Record<string, unknown>>): { values: Record<string, unknown>; issues: FieldIssue[] } {
  const values: Record<string, unknown> = Object.create(null);
  const issues: FieldIssue[] = [];
  for (const [name, cell] of Object.entries(cells)) {
    const def = registry.byName.get(name);
    if (!def || typeof cell !== 'string') {
      values[name] = cell;
      continue;
    }
    switch (def.type) {
      case 'boolean':
        values[name] = TRUE.test(cell.trim()) ? true : FALSE.test(cell.trim()) ? false : cell;
        break;
      case 'integer':
      case 'number':
        values[name] = NUMBER.test(cell.trim()) ? Number(cell) : cell;
        break;
      case 'string_list':
        values[name] = splitList(cell);
        break;
      case 'id_list':
        // Vocabulary names or ids; the vocabulary resolves them (see vocabulary.ts).
        values[name] = splitList(cell).map((item) => (/^\d{1,15}$/.test(item) ? Number(item) : item));
        break;
      case 'json':
        try {
          values[name] = JSON.parse(cell);
        } catch {
          issues.push(issue(name, 'profile.invalid_type', 'Expected JSON text (a quoted string, a number, an object…).'));
        }
        break;
      default:
        values[name] = cell;
    }
  }
  return { values, issues };
}
