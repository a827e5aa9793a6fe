import { issue, ProfiledError, type FieldIssue } from '@profiled/core';
import type { VocabularyLists } from '../../service/index.ts';
import type { Mapping } from '../mapping.ts';
import { addressToCanonical } from './address.ts';
import { TRANSLATED_ASIDE } from './fields.ts';
import { pyType } from './wire-values.ts';

/** A translated `PatchedUserProfileUpdate`: canonical changes, translation issues, and the id-or-name lists. */
export interface TranslatedRequest {
  readonly changes: Record<string, unknown>;
  readonly issues: FieldIssue[];
  readonly lists: VocabularyLists;
}

/** Wire names whose null (which the seed allows) means the canonical default rather than "none". */
const NULL_MEANS_DEFAULT: Readonly<Record<string, unknown>> = {
  communication_preferences_phone: false,
  communication_preferences_email: false,
  platform_features_emails: false,
  activity_based_emails: false,
  technical_interests: [],
  focus_area: [],
};

const LIST_FIELD = { skills: 'skills', investment_interests: 'investment_interests', technical_interests: 'technical_interests', focus_area: 'tags' } as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Only the names a table knows: DRF ignores unknown properties, and so does this wire. */
function known(body: Record<string, unknown>, mapping: Mapping): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const w of mapping.table) if (Object.hasOwn(body, w.wire)) out[w.wire] = body[w.wire];
  return out;
}

/**
 * `PatchedUserProfileUpdate` → canonical. Unknown names are ignored and read-only ones
 * dropped unapplied, as DRF does; everything else is translated and left for the registry
 * walker (and the vocabulary service) to judge. A body that is not an object is refused as
 * DRF refuses it. Issues found here name canonical fields, or wire paths where no field fits.
 */
export function translateRequest(body: unknown, user: Mapping, details: Mapping): TranslatedRequest {
  if (body === undefined) body = {};
  if (!isObject(body)) {
    throw new ProfiledError('request.invalid_body', { issues: [issue('non_field_errors', 'request.invalid_body', `Invalid data. Expected a dictionary, but got ${pyType(body)}.`)] });
  }
  const top = user.toCanonical(known(body, user), { ignoreReadOnly: true });
  const changes: Record<string, unknown> = top.changes;
  const issues: FieldIssue[] = [...top.issues];
  const lists: Record<string, unknown> = Object.create(null);
  if (Object.hasOwn(body, 'details')) {
    const raw = body['details'];
    if (raw === null) issues.push(issue('details', 'profile.field_not_nullable', 'This field may not be null.'));
    else if (!isObject(raw)) issues.push(issue('details.non_field_errors', 'request.invalid_body', `Invalid data. Expected a dictionary, but got ${pyType(raw)}.`));
    else {
      const d = known(raw, details);
      for (const [wire, fallback] of Object.entries(NULL_MEANS_DEFAULT)) if (d[wire] === null) d[wire] = fallback;
      if (Object.hasOwn(d, 'address')) {
        const address = addressToCanonical(d['address']);
        Object.assign(changes, address.changes);
        issues.push(...address.issues);
      }
      for (const [wire, field] of Object.entries(LIST_FIELD)) {
        if (!Object.hasOwn(d, wire)) continue;
        if (d[wire] === null) issues.push(issue(field, 'profile.field_not_nullable', 'This field may not be null.'));
        else lists[field] = d[wire];
      }
      const rest = details.toCanonical(d, { ignoreReadOnly: true, handled: TRANSLATED_ASIDE });
      Object.assign(changes, rest.changes);
      issues.push(...rest.issues);
    }
  }
  return { changes, issues, lists };
}
