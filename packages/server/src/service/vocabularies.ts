import { charLength, issue, parseChanges, ProfiledError, validationFailed, type FieldIssue, type FieldValue } from '@profiled/core';
import type { OrgRow, VocabularyEntryRow, VocabularyKind } from '../storage/port.ts';
import type { PatchRequest, ProfileService } from './profiles.ts';
import type { ProfileView } from './profile-view.ts';
import { today, type Principal, type ServiceDeps } from './types.ts';

export type { VocabularyKind };
export const VOCABULARY_KINDS: readonly VocabularyKind[] = ['skill', 'investment_interest', 'tag'];

/** One vocabulary entry as callers see it. */
export interface VocabularyEntry {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
}

/** The canonical list fields a profile write may give by vocabulary id or by name. */
export interface VocabularyLists {
  readonly skills?: unknown;
  readonly investment_interests?: unknown;
  readonly technical_interests?: unknown;
  readonly tags?: unknown;
}

/** A profile's list fields expanded into their vocabulary entries (tags with their ids). */
export interface VocabularyExpansion {
  readonly skills: readonly VocabularyEntry[];
  readonly investment_interests: readonly VocabularyEntry[];
  readonly technical_interests: readonly VocabularyEntry[];
  readonly tags: readonly { readonly id: number; readonly name: string }[];
}

/** Which vocabulary each list field draws from; technical interests share the skills list. */
export const LIST_KIND = { skills: 'skill', investment_interests: 'investment_interest', technical_interests: 'skill' } as const;
const NOUN: Record<VocabularyKind, string> = { skill: 'skill', investment_interest: 'investment interest', tag: 'tag' };
const MAX_NAME = 100;
const MAX_DESCRIPTION = 1000;
const MAX_LIST_INPUT = 500;
// C0/C1 controls: a vocabulary name is one line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** How names compare: NFC and case-folded, as the storage folds them for its unique index. */
const keyOf = (name: string) => name.normalize('NFC').toLocaleLowerCase('en');
const entryOf = (r: VocabularyEntryRow): VocabularyEntry => ({ id: r.id, name: r.name, description: r.description });
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** A vocabulary name as stored: NFC, trimmed, one line, 1–100 characters; or why not. */
function cleanName(raw: unknown): string | { problem: string } {
  if (typeof raw !== 'string') return { problem: 'A name is a string.' };
  const name = raw.normalize('NFC').trim();
  if (name === '' || charLength(name) > MAX_NAME || CONTROL.test(name) || !name.isWellFormed()) {
    return { problem: `A name is 1-${MAX_NAME} characters on one line.` };
  }
  return name;
}

/**
 * The organization's vocabularies — skills (which technical interests draw from too),
 * investment interests and profile tags — managed by administrators, and the rules for
 * profile writes that name their entries: ids must exist; names must exist unless the
 * organization allows free entry (`settings.vocabulary_free_entry`), in which case they are
 * added. Tags are free by nature: a tag name is always accepted, and tags get vocabulary ids
 * the first time they are seen, so a wire that shows tags as integers has stable ids for them.
 */
export function createVocabularyService(deps: ServiceDeps, profiles: ProfileService) {
  const { storage, registry, clock } = deps;

  async function orgOf(ref: { id: string } | { slug: string }): Promise<OrgRow> {
    const org = await storage.repos.findOrg(ref);
    if (!org) throw new ProfiledError('org.not_found', 'slug' in ref ? { message: `There is no organization "${ref.slug}".` } : {});
    return org;
  }

  function kindOf(kind: string): VocabularyKind {
    if (!(VOCABULARY_KINDS as readonly string[]).includes(kind)) {
      throw new ProfiledError('request.invalid_parameter', { message: `A vocabulary kind is one of: ${VOCABULARY_KINDS.join(', ')}.` });
    }
    return kind as VocabularyKind;
  }

  /** Adds `name` (already clean) or finds the entry someone else added under it meanwhile. */
  async function ensureEntry(orgId: string, kind: VocabularyKind, name: string, description: string | null = null): Promise<VocabularyEntryRow> {
    const row = await storage.repos.insertVocabularyEntry({ org_id: orgId, kind, name, description, created_at: clock.now().toISOString() });
    if (row) return row;
    const [existing] = await storage.repos.findVocabularyEntries(orgId, kind, { names: [name] });
    if (!existing) throw new Error(`vocabulary entry "${name}" neither inserted nor found`);
    return existing;
  }

  /**
   * Turns id-or-name lists into canonical values: ids for the vocabulary lists, names for
   * tags. Unknown names become `PendingName`s when the org allows free entry (and the name
   * would make a valid entry), issues otherwise.
   */
  async function resolve(org: OrgRow, lists: VocabularyLists) {
    const changes: Record<string, unknown> = Object.create(null);
    const issues: FieldIssue[] = [];
    const free = org.settings.vocabulary_free_entry === true;
    for (const field of ['skills', 'investment_interests', 'technical_interests', 'tags'] as const) {
      if (!Object.hasOwn(lists, field)) continue;
      const raw = lists[field];
      if (!Array.isArray(raw)) {
        issues.push(issue(field, 'profile.invalid_type', 'Expected a list of ids or names.', raw));
        continue;
      }
      if (raw.length > MAX_LIST_INPUT) {
        issues.push(issue(field, 'profile.too_many_items', `Ensure this list has at most ${MAX_LIST_INPUT} items.`));
        continue;
      }
      const kind: VocabularyKind = field === 'tags' ? 'tag' : LIST_KIND[field];
      const ids = raw.filter(isId);
      const names = raw.filter((v): v is string => typeof v === 'string').map((n) => n.normalize('NFC').trim());
      for (const bad of raw.filter((v) => !isId(v) && typeof v !== 'string')) {
        // No value attached: the value of a list-level issue is the list, and wires tell the two apart by it.
        issues.push(issue(field, 'profile.invalid_type', `Expected an id (a positive integer) or a name, not ${JSON.stringify(bad).slice(0, 40)}.`));
      }
      if (field === 'tags' && ids.length === 0) {
        changes[field] = raw;
        continue;
      }
      const rows = await storage.repos.findVocabularyEntries(org.id, kind, { ids, ...(field === 'tags' ? {} : { names }) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const byName = new Map(rows.map((r) => [keyOf(r.name), r]));
      const out: unknown[] = [];
      for (const item of raw) {
        if (isId(item)) {
          const row = byId.get(item);
          if (row) out.push(field === 'tags' ? row.name : row.id);
          else issues.push(issue(field, 'vocabulary.unknown_entry', `There is no ${NOUN[kind]} with id ${item}.`, item));
        } else if (typeof item === 'string') {
          if (field === 'tags') {
            out.push(item);
            continue;
          }
          const name = item.normalize('NFC').trim();
          // A name first; a string of digits that names nothing may still be an id.
          const row = byName.get(keyOf(name)) ?? (/^\d{1,15}$/.test(name) ? await findId(org.id, kind, Number(name)) : undefined);
          if (row) out.push(row.id);
          else if (name === '') issues.push(issue(field, 'profile.too_short', 'A name may not be blank.', item));
          else if (free && typeof cleanName(name) === 'string') out.push(new PendingName(name));
          else if (free) issues.push(issue(field, 'vocabulary.invalid_entry', `A new ${NOUN[kind]} needs a name of 1-${MAX_NAME} characters on one line.`));
          else issues.push(issue(field, 'vocabulary.unknown_entry', `Unknown ${NOUN[kind]} "${name.slice(0, MAX_NAME)}": it is not in this organization's vocabulary (an administrator adds entries).`, item));
        }
      }
      changes[field] = out;
    }
    return { changes, issues };
  }

  async function findId(orgId: string, kind: VocabularyKind, id: number) {
    return (await storage.repos.findVocabularyEntries(orgId, kind, { ids: [id] }))[0];
  }

  return {
    kindOf,

    /** Every entry of one kind in an organization, by name. */
    async list(org: { id: string } | { slug: string }, kind: string): Promise<VocabularyEntry[]> {
      const o = await orgOf(org);
      return (await storage.repos.findVocabularyEntries(o.id, kindOf(kind))).map(entryOf);
    },

    /** Adds an entry (administrators, the CLI). A name the kind has already is refused. */
    async add(org: { id: string } | { slug: string }, input: { kind: string; name: unknown; description?: unknown }): Promise<VocabularyEntry> {
      const o = await orgOf(org);
      const kind = kindOf(input.kind);
      const name = cleanName(input.name);
      const description = input.description === undefined || input.description === null ? null : input.description;
      if (typeof name !== 'string' || (description !== null && (typeof description !== 'string' || charLength(description) > MAX_DESCRIPTION))) {
        throw new ProfiledError('vocabulary.invalid_entry');
      }
      const row = await storage.repos.insertVocabularyEntry({ org_id: o.id, kind, name, description, created_at: clock.now().toISOString() });
      if (!row) throw new ProfiledError('vocabulary.name_taken', { message: `The ${NOUN[kind]} vocabulary already has "${name}".` });
      return entryOf(row);
    },

    /** Turns free entry of unknown skill and interest names on or off for an organization. */
    async setFreeEntry(org: { id: string } | { slug: string }, enabled: boolean) {
      const o = await orgOf(org);
      const settings = { ...o.settings, vocabulary_free_entry: enabled };
      await storage.repos.updateOrgSettings(o.id, settings);
      return { org: o.slug, settings };
    },

    /**
     * A profile write whose list fields may name vocabulary entries by id or by name. Free
     * entry adds the unknown names only once everything else in the request has passed
     * validation, so a refused request does not grow the vocabulary. (A write that then
     * loses a race — its username taken in the same instant — leaves the new, unused
     * entries in place.)
     */
    async patchProfile(principal: Principal, req: PatchRequest & { readonly lists: VocabularyLists }): Promise<ProfileView> {
      const org = await orgOf({ id: principal.orgId });
      const resolved = await resolve(org, req.lists);
      const changes: Record<string, unknown> = { ...req.changes, ...resolved.changes };
      const issues = [...(req.issues ?? []), ...resolved.issues];
      const pendingFields = (Object.keys(LIST_KIND) as (keyof typeof LIST_KIND)[]).filter((f) => Array.isArray(changes[f]) && (changes[f] as unknown[]).some((v) => v instanceof PendingName));
      if (pendingFields.length > 0) {
        if (issues.length > 0) {
          // Refused anyway: report every issue, with the unknown names left out.
          for (const f of pendingFields) changes[f] = (changes[f] as unknown[]).filter((v) => !(v instanceof PendingName));
        } else {
          const problems = await checkFirst(principal, changes, pendingFields);
          if (problems.length > 0) throw validationFailed(problems);
          for (const f of pendingFields) {
            const list = changes[f] as unknown[];
            for (let i = 0; i < list.length; i++) {
              const item = list[i];
              if (item instanceof PendingName) list[i] = (await ensureEntry(org.id, LIST_KIND[f], item.name)).id;
            }
          }
        }
      }
      return profiles.patch(principal, { changes, issues, ...(req.expectedVersion !== undefined ? { expectedVersion: req.expectedVersion } : {}) });
    },

    /** The vocabulary entries behind a profile's list fields; tags get their ids here, on first sight. */
    async expand(orgId: string, values: Readonly<Record<string, FieldValue>>): Promise<VocabularyExpansion> {
      const ids = (name: string) => (Array.isArray(values[name]) ? (values[name] as number[]) : []);
      const tags = Array.isArray(values['tags']) ? (values['tags'] as string[]) : [];
      const [skillRows, investmentRows] = await Promise.all([
        storage.repos.findVocabularyEntries(orgId, 'skill', { ids: [...new Set([...ids('skills'), ...ids('technical_interests')])] }),
        storage.repos.findVocabularyEntries(orgId, 'investment_interest', { ids: ids('investment_interests') }),
      ]);
      const tagRows = new Map((await storage.repos.findVocabularyEntries(orgId, 'tag', { names: tags })).map((r) => [keyOf(r.name), r]));
      for (const tag of tags) {
        const key = keyOf(tag);
        if (!tagRows.has(key)) tagRows.set(key, await ensureEntry(orgId, 'tag', tag));
      }
      const pick = (rows: VocabularyEntryRow[], list: number[]) => {
        const byId = new Map(rows.map((r) => [r.id, r]));
        return list.flatMap((id) => (byId.has(id) ? [entryOf(byId.get(id)!)] : []));
      };
      return {
        skills: pick(skillRows, ids('skills')),
        investment_interests: pick(investmentRows, ids('investment_interests')),
        technical_interests: pick(skillRows, ids('technical_interests')),
        tags: tags.map((name) => ({ id: tagRows.get(keyOf(name))!.id, name })),
      };
    },
  };

  /**
   * The profile service's validation — the registry walker and the uniqueness checks — run
   * before the vocabulary grows, with stand-in ids for the names still to be added.
   */
  async function checkFirst(principal: Principal, changes: Record<string, unknown>, fields: readonly string[]): Promise<FieldIssue[]> {
    const probe: Record<string, unknown> = { ...changes };
    let standIn = Number.MAX_SAFE_INTEGER;
    for (const f of fields) probe[f] = (probe[f] as unknown[]).map((v) => (v instanceof PendingName ? standIn-- : v));
    const parsed = parseChanges(registry, probe, { writers: ['self'], today: today(clock) });
    if (!parsed.ok) return [...parsed.issues];
    const problems: FieldIssue[] = [];
    for (const field of ['username', 'email'] as const) {
      const value = parsed.changes[field];
      if (typeof value === 'string' && value !== '' && (await storage.repos.isTaken(field, value, principal.accountId))) {
        problems.push(issue(field, field === 'username' ? 'account.username_taken' : 'account.email_taken', undefined, value));
      }
    }
    return problems;
  }
}

/** A name free entry will add to the vocabulary once the write is known to pass. */
class PendingName {
  constructor(readonly name: string) {}
}

export type VocabularyService = ReturnType<typeof createVocabularyService>;
