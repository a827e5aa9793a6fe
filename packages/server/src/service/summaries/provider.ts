import type { ProfessionalFacts } from './facts.ts';

/** Something that writes a profile summary from professional facts. Its output is untrusted text. */
export interface SummaryProvider {
  readonly name: string;
  /** `language` is the base language tag (e.g. "en", "de"). */
  generate(facts: ProfessionalFacts, language: string): Promise<string>;
}
