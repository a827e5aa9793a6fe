import { issue, type FieldIssue } from '@profiled/core';
import type { Repos, VocabularyKind } from '../../storage/port.ts';
import { LIST_KIND } from '../vocabularies.ts';

const keyOf = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase('en');

/**
 * The org's skill and investment-interest vocabularies, read once per import: a row's
 * vocabulary lists may name entries by id or by name, as a profile write may, and an entry
 * that does not exist is refused (an administrator adds entries first: `profiled vocab add`).
 * Tags are free text and need no lookup.
 */
export async function loadVocabulary(repos: Repos, orgId: string) {
  const kinds = new Map<VocabularyKind, { ids: Set<number>; byName: Map<string, number> }>();
  for (const kind of new Set(Object.values(LIST_KIND))) {
    const rows = await repos.findVocabularyEntries(orgId, kind);
    kinds.set(kind, { ids: new Set(rows.map((r) => r.id)), byName: new Map(rows.map((r) => [keyOf(r.name), r.id])) });
  }

  /** The row's vocabulary lists as ids; anything not a list is left for the walker to refuse. */
  return function resolve(values: Record<string, unknown>): FieldIssue[] {
    const issues: FieldIssue[] = [];
    for (const [field, kind] of Object.entries(LIST_KIND)) {
      const list = values[field];
      if (!Array.isArray(list)) continue;
      const entries = kinds.get(kind)!;
      const out: unknown[] = [];
      for (const item of list) {
        const id = typeof item === 'number' ? (entries.ids.has(item) ? item : undefined) : typeof item === 'string' ? entries.byName.get(keyOf(item)) : item;
        if (id !== undefined) out.push(id);
        else issues.push(issue(field, 'vocabulary.unknown_entry', `Unknown ${kind.replace('_', ' ')} ${JSON.stringify(item).slice(0, 60)}: it is not in this organization's vocabulary.`));
      }
      values[field] = out;
    }
    return issues;
  };
}

export type VocabularyResolver = Awaited<ReturnType<typeof loadVocabulary>>;
