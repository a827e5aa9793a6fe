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
  const values: Record<string, unknown> = {
    ...profile.values,
    [EXTRA.accountCreatedAt]: account.createdAt,
    [EXTRA.skillsData]: expansion.skills,
    [EXTRA.investmentInterestsData]: expansion.investment_interests,
    [EXTRA.technicalInterestsData]: expansion.technical_interests,
    [EXTRA.focusAreaIds]: expansion.tags.map((t) => t.id),
    [EXTRA.focusAreaData]: expansion.tags.map((t) => ({ name: t.name })),
  };
  return view.toWire(values as Parameters<Mapping['toWire']>[0]);
}
