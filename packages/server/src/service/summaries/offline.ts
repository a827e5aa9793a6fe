import type { ProfessionalFacts } from './facts.ts';
import type { SummaryProvider } from './provider.ts';

/** Languages the offline writer speaks; anything else falls back to English. */
export const OFFLINE_LANGUAGES = ['en', 'de'] as const;
type Lang = (typeof OFFLINE_LANGUAGES)[number];

/** A stable choice among variants, from the facts themselves: the same profile reads the same. */
function chooser(facts: ProfessionalFacts) {
  let h = 2166136261;
  for (const ch of JSON.stringify(facts)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return <T>(options: readonly T[], salt: number): T => options[(h >>> (salt * 3)) % options.length]!;
}

const listOf = (items: readonly string[], and: string) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`);
const article = (word: string) => (/^[aeiou]/i.test(word) && !/^(uni|use|eu)/i.test(word) ? 'an' : 'a');
/**
 * A Title Case phrase ("Product Designer", "Financial Services") reads lower case inside a
 * sentence; anything with an acronym or mixed case ("iOS Engineer", "CTO") keeps its own.
 */
const lower = (s: string) => {
  const words = s.split(/\s+/);
  return words.every((w) => /^[A-Z][a-z]+$|^[a-z]+$|^[&/-]$/.test(w)) ? words.map((w) => w.toLowerCase()).join(' ') : s;
};

function english(f: ProfessionalFacts, pick: ReturnType<typeof chooser>): string {
  const role = f.position ? lower(f.position) : null;
  const sentences: string[] = [];
  if (role && f.company) {
    sentences.push(pick([`${f.name} is ${article(role)} ${role} at ${f.company}.`, `${f.name} works as ${article(role)} ${role} at ${f.company}.`, `As ${article(role)} ${role} at ${f.company}, ${f.name} brings hands-on experience to the community.`], 0));
  } else if (role) {
    sentences.push(pick([`${f.name} works as ${article(role)} ${role}.`, `${f.name} is ${article(role)} ${role}.`], 0));
  } else if (f.company) {
    sentences.push(pick([`${f.name} works at ${f.company}.`, `${f.name} is part of the team at ${f.company}.`], 0));
  } else {
    sentences.push(`${f.name} is a member of this community.`);
  }
  if (f.businessArea) sentences.push(pick([`Their work centres on ${lower(f.businessArea)}.`, `${f.name} is active in ${lower(f.businessArea)}.`, `Most of their work is in ${lower(f.businessArea)}.`], 1));
  if (f.tags.length > 0) sentences.push(pick([`Areas of expertise include ${listOf(f.tags, 'and')}.`, `They bring experience in ${listOf(f.tags, 'and')}.`, `Topics close to their heart: ${listOf(f.tags, 'and')}.`], 2));
  sentences.push(pick(['Always happy to connect with fellow members.', f.tags[0] ? `Feel free to get in touch about ${f.tags[0]}.` : 'Feel free to get in touch.', 'Open to new collaborations.'], 3));
  return sentences.join(' ');
}

function german(f: ProfessionalFacts, pick: ReturnType<typeof chooser>): string {
  const sentences: string[] = [];
  if (f.position && f.company) {
    sentences.push(pick([`${f.name} ist ${f.position} bei ${f.company}.`, `${f.name} arbeitet als ${f.position} bei ${f.company}.`, `Als ${f.position} bei ${f.company} bringt ${f.name} viel Praxiserfahrung mit.`], 0));
  } else if (f.position) {
    sentences.push(pick([`${f.name} arbeitet als ${f.position}.`, `${f.name} ist ${f.position}.`], 0));
  } else if (f.company) {
    sentences.push(pick([`${f.name} arbeitet bei ${f.company}.`, `${f.name} ist Teil des Teams von ${f.company}.`], 0));
  } else {
    sentences.push(`${f.name} ist Mitglied dieser Community.`);
  }
  if (f.businessArea) sentences.push(pick([`Der Schwerpunkt liegt auf ${f.businessArea}.`, `${f.name} ist im Bereich ${f.businessArea} tätig.`], 1));
  if (f.tags.length > 0) sentences.push(pick([`Zu den Fachgebieten gehören ${listOf(f.tags, 'und')}.`, `Kompetenzen: ${listOf(f.tags, 'und')}.`], 2));
  sentences.push(pick(['Offen für den Austausch mit anderen Mitgliedern.', 'Freut sich über neue Kontakte und Projekte.'], 3));
  return sentences.join(' ');
}

/**
 * The default generator: no network, no model. It writes a short, grammatical Markdown
 * summary from the professional facts, varying its wording by profile, in English or German.
 */
export const offlineProvider: SummaryProvider = {
  name: 'offline',
  async generate(facts, language) {
    const lang: Lang = (OFFLINE_LANGUAGES as readonly string[]).includes(language) ? (language as Lang) : 'en';
    const pick = chooser(facts);
    const body = lang === 'de' ? german(facts, pick) : english(facts, pick);
    const heading = facts.position ? `**${facts.position}**${facts.company ? ` · ${facts.company}` : ''}\n\n` : '';
    return `${heading}${body}\n`;
  },
};
