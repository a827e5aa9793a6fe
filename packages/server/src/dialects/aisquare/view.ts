import type { Principal, ProfileView, Services } from '../../service/index.ts';
import type { Mapping } from '../mapping.ts';
import { EXTRA } from './fields.ts';

/**
 * Renders `IAMUserDetailView`: the profile's canonical values through the view table, with
 * what the table cannot know on its own — the account's creation time and the vocabulary
 * entries behind the id lists (focus areas as tag ids) — looked up for this response.
 */
export async function renderView(services: Services, view: Mapping, principal: Principal, profile: ProfileView): Promise<Record<string, unknown>> {
  const [account, expansion] = await Promise.all([services.accountInfo.of(principal), services.vocabularies.expand(profile.orgId, profile.values)]);
  // The view's values are this request's own (toView completes them in place): extend them
  // with the lookups rather than copy some ninety fields for every response.
  const values = Object.assign(profile.values as Record<string, unknown>, {
    [EXTRA.accountCreatedAt]: account.createdAt,
    [EXTRA.skillsData]: expansion.skills,
    [EXTRA.investmentInterestsData]: expansion.investment_interests,
    [EXTRA.technicalInterestsData]: expansion.technical_interests,
    [EXTRA.focusAreaIds]: expansion.tags.map((t) => t.id),
    [EXTRA.focusAreaData]: expansion.tags.map((t) => ({ name: t.name })),
  });
  const out: Record<string, unknown> = view.toWire(values as Parameters<Mapping['toWire']>[0]);
  // A new email or phone waits for its code: the field keeps the verified value, and this says so.
  const waiting = view.pending(profile.pending);
  if (waiting.length > 0) out['pending_changes'] = waiting;
  return out;
}

/** The view's `pending_changes`, documented beside the contract's properties. */
export const pendingChangesProperty = {
  type: 'array',
  description: 'Present only while a written value (a new phone, or an email changed elsewhere) waits for the code sent to it; the field itself keeps the verified value until then.',
  items: { type: 'object', properties: { field: { type: 'string' }, value: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' } } },
};
