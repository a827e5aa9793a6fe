import type { Kysely } from 'kysely';
import type { Repos, VocabularyEntryRow, VocabularyKind } from '../port.ts';
import type { SqlFlavor } from './flavor.ts';

type VocabularyRepos = Pick<Repos, 'insertVocabularyEntry' | 'findVocabularyEntries' | 'updateOrgSettings'>;

/**
 * How vocabulary names compare: NFC, case-folded in JavaScript (not SQL `lower()`, which
 * folds only ASCII on SQLite), so "Python" and "python" are one entry on every database.
 */
export const vocabularyKey = (name: string) => name.normalize('NFC').toLocaleLowerCase('en');

const COLUMNS = ['id', 'org_id', 'kind', 'name', 'description', 'created_at'] as const;

const toRow = (r: Record<string, unknown>): VocabularyEntryRow => ({
  id: Number(r['id']),
  org_id: r['org_id'] as string,
  kind: r['kind'] as VocabularyKind,
  name: r['name'] as string,
  description: (r['description'] as string | null) ?? null,
  created_at: r['created_at'] as string,
});

/** The per-org vocabularies (and the org setting that governs free entry), shared by every SQL backend. */
export function vocabularyRepos(db: Kysely<any>, f: SqlFlavor): VocabularyRepos {
  return {
    async insertVocabularyEntry(entry) {
      // A name someone else added in the same instant is not an error: the caller reads it back.
      const row = await db
        .insertInto('vocabulary_entries')
        .values({ ...entry, name_key: vocabularyKey(entry.name) })
        .onConflict((oc) => oc.doNothing())
        .returning([...COLUMNS])
        .executeTakeFirst();
      return row ? toRow(row) : undefined;
    },
    async findVocabularyEntries(orgId, kind, by = {}) {
      const ids = by.ids ?? [];
      const keys = (by.names ?? []).map(vocabularyKey);
      const filtered = by.ids !== undefined || by.names !== undefined;
      // Every profile read of a dialect that expands vocabularies asks, mostly for nothing:
      // answered before any query is built.
      if (filtered && ids.length === 0 && keys.length === 0) return [];
      let q = db.selectFrom('vocabulary_entries').select([...COLUMNS]).where('org_id', '=', orgId).where('kind', '=', kind);
      if (filtered) {
        q = q.where((eb) => eb.or([...(ids.length ? [eb('id', 'in', [...ids])] : []), ...(keys.length ? [eb('name_key', 'in', keys)] : [])]));
      }
      return (await q.orderBy('name_key').orderBy('id').execute()).map(toRow);
    },
    async updateOrgSettings(orgId, settings) {
      await db.updateTable('orgs').set({ settings: f.encodeJson(settings) }).where('id', '=', orgId).execute();
    },
  };
}
