import { ProfiledError } from '@profiled/core';
import { throttleGuardFor } from '../throttle.ts';
import type { Principal, ServiceDeps, SummarySettings } from '../types.ts';
import { professionalFacts } from './facts.ts';
import { offlineProvider } from './offline.ts';
import { openAiProvider } from './openai.ts';
import type { SummaryProvider } from './provider.ts';

const MAX_SUMMARY = 10_000;

/**
 * AI-written summaries: the configured OpenAI-compatible provider, or the offline writer.
 * Generating never saves — the person reviews the text and saves it like any edit. Output is
 * treated as untrusted: control characters removed, length capped, then checked by the
 * registry's own rules for `summary` (and rendered sanitized wherever it is shown).
 */
export function createSummaryService(deps: ServiceDeps, settings: SummarySettings, providerOverride?: SummaryProvider) {
  const { storage, registry } = deps;
  const provider = providerOverride ?? (settings.aiBaseUrl ? openAiProvider({ baseUrl: settings.aiBaseUrl, apiKey: settings.aiApiKey, model: settings.aiModel, timeoutMs: settings.aiTimeoutMs }) : offlineProvider);
  const throttle = throttleGuardFor(deps, { limit: settings.summaryRateLimit, windowSeconds: 3600, code: 'summary.rate_limited' });
  const parseSummary = registry.parser('summary')!;

  return {
    provider: provider.name,
    async generate(principal: Principal): Promise<{ summary: string; provider: string }> {
      const key = [`summary:${principal.accountId}`];
      await throttle.check(key);
      await throttle.fail(key);
      const record = await storage.repos.findProfile(principal.profileId);
      if (!record || record.account_id !== principal.accountId) throw new ProfiledError('profile.not_found');
      const language = String(record.values['preferred_language'] ?? 'en').toLowerCase().split('-')[0] ?? 'en';
      const raw = await provider.generate(professionalFacts(record.values), language);
      const cleaned = [...raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').trim()].slice(0, MAX_SUMMARY).join('');
      const checked = parseSummary(cleaned, { today: '9999-12-31' });
      if (!checked.ok) throw new ProfiledError('summary.provider_failed', { message: 'The summary provider answered text that is not a valid summary.' });
      return { summary: checked.value as string, provider: provider.name };
    },
  };
}

export type SummaryService = ReturnType<typeof createSummaryService>;
export type { SummaryProvider } from './provider.ts';
export { offlineProvider } from './offline.ts';
