/**
 * The bench's member directory: thousands of public profiles in the accounts' org, with
 * varied, realistic searchable fields (name, position, company, business area, a bio that
 * often names a city, tags), the same for every run (profile j is always the same person,
 * so the smoke run's few hundred are the full run's first few hundred).
 */
import { randomUUID } from 'node:crypto';
import type { FieldValue } from '@profiled/core';
import { searchTerms } from '../packages/server/src/service/directory.ts';
import type { Storage } from '../packages/server/src/storage/port.ts';

/**
 * What the directory scenarios search for, one query per request in turn. The words were
 * chosen so that no write scenario's values match them (those write "Analyst 12",
 * "Company 12", "Member 12"…), so every query matches as many profiles at the end of a run
 * as at its start.
 */
export const DIRECTORY_QUERIES: readonly { readonly q: string; readonly what: string }[] = [
  { q: 'Thorvaldsen', what: 'a rare family name (1 profile in 2 500)' },
  { q: 'Berlin', what: 'a common city, named in bios (the city field itself is neither public nor searchable)' },
  { q: 'manager', what: 'a word in positions' },
  { q: 'senior manager', what: 'two words in positions, both required' },
];

const FIRST = ['Maria', 'Thomas', 'Anna', 'Lukas', 'Sofia', 'David', 'Laura', 'Jonas', 'Julia', 'Marco', 'Emma', 'Daniel', 'Elena', 'Felix', 'Sara', 'Pablo', 'Lena', 'Luca', 'Clara', 'Javier', 'Marta', 'Pierre', 'Inês', 'João', 'Chloé', 'Hugo', 'Léa', 'Piotr', 'Agnieszka', 'Tomasz', 'Ingrid', 'Erik', 'Freya', 'Lars', 'Niamh', 'Seán', 'Aisha', 'Omar', 'Fatima', 'Ahmed', 'Priya', 'Raj', 'Mei', 'Wei', 'Yuki', 'Kenji', 'Amara', 'Kwame', 'Noor', 'Leila', 'Olga', 'Zoë', 'Matteo', 'Diego', 'Louis', 'Jan', 'Katarzyna', 'Siobhan', 'Paul', 'Pedro'];
const FAMILY = ['Müller', 'Garcia', 'Schmidt', 'Rossi', 'Martin', 'Silva', 'Nowak', 'Schneider', 'Fernández', 'Bernard', 'Santos', 'Fischer', 'López', 'Russo', 'Dubois', 'Ferreira', 'Kowalski', 'Weber', 'Martínez', 'Bianchi', 'Moreau', 'Costa', 'Wiśniewski', 'Meyer', 'Romano', 'Novák', 'Jansen', 'de Vries', 'Hansen', 'Nielsen', 'Andersson', 'Johansson', 'Larsen', 'Murphy', 'Kelly', "O'Brien", 'Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Khan', 'Patel', 'Singh', 'Chen', 'Wang', 'Kim', 'Park', 'Tanaka', 'Sato', 'Okafor', 'Mensah', 'Haddad', 'Svoboda', 'Bakker', 'van Dijk', 'Wagner', 'Becker', 'Lindqvist', 'Horvat'];
const ROLES = ['Software Engineer', 'Product Manager', 'UX Designer', 'Data Scientist', 'Account Manager', 'Marketing Manager', 'Community Manager', 'Frontend Developer', 'Backend Developer', 'DevOps Engineer', 'Sales Director', 'Operations Manager', 'Project Manager', 'Accountant', 'Lawyer', 'Architect', 'Copywriter', 'Photographer', 'Illustrator', 'Research Scientist', 'Consultant', 'Recruiter', 'Translator', 'Journalist', 'Teacher', 'Coach', 'Event Producer', 'Founder', 'Co-founder & CEO', 'CTO'];
const SENIORITY = ['', '', '', 'Senior ', 'Senior ', 'Lead ', 'Junior ', 'Principal '];
const COMPANIES = ['Northwind Labs', 'Bluefin Analytics', 'Kestrel Studio', 'Tidewater Logistics', 'Lumen Health', 'Copperleaf Software', 'Atlas Robotics', 'Brightline Media', 'Greenfield Energy', 'Harbor & Finch', 'Quarry Legal', 'Meridian Bank', 'Pinecone Architects', 'Saffron Foods', 'Orbital Games', 'Nordlicht Design', 'Solstice Travel', 'Ironbridge Consulting', 'Fable & Co', 'Vireo Bio', 'Cobalt Security', 'Juniper Education', 'Mosaic Events', 'Riverstone Capital', 'Tessellate', 'Wayfarer Mobility', 'Polar Data', 'Seabright Shipping', 'Amberlight Films', 'Helix Pharma', 'Freelance', 'Self-employed'];
const AREAS = ['Software', 'Fintech', 'Health', 'Education', 'Media', 'Design', 'Energy', 'Logistics', 'Legal', 'Hospitality', 'Retail', 'Biotech', 'Real estate', 'Non-profit', 'Gaming'];
/** City, country, weight: Berlin about one profile in five. */
const CITIES: readonly (readonly [string, string, number])[] = [['Berlin', 'DE', 20], ['London', 'GB', 12], ['Lisbon', 'PT', 8], ['Paris', 'FR', 8], ['Amsterdam', 'NL', 7], ['Barcelona', 'ES', 7], ['Warsaw', 'PL', 5], ['Vienna', 'AT', 5], ['Munich', 'DE', 5], ['Zurich', 'CH', 4], ['Copenhagen', 'DK', 4], ['Stockholm', 'SE', 4], ['Dublin', 'IE', 4], ['Prague', 'CZ', 3], ['Milan', 'IT', 3], ['Porto', 'PT', 1]];
const TAGS = ['typescript', 'python', 'rust', 'react', 'kubernetes', 'ux', 'research', 'fundraising', 'marketing', 'sales', 'climate', 'ai', 'mentoring', 'startups', 'photography', 'cycling', 'coffee', 'running', 'books', 'music', 'hiring', 'remote', 'accessibility', 'open source', 'sustainability', 'finance', 'education', 'gaming', 'travel', 'design systems'];
const TOPICS = ['payments infrastructure', 'patient scheduling', 'route planning', 'onboarding flows', 'carbon accounting', 'learning platforms', 'supply chains', 'brand identity', 'contract review', 'mobile apps', 'search and discovery', 'clinical trials', 'live events', 'developer tooling', 'customer research'];
const HOBBIES = ['climbing', 'sourdough', 'long-distance cycling', 'jazz piano', 'board games', 'trail running', 'film photography', 'urban gardening', 'chess', 'sailing'];

/** mulberry32: a tiny seeded generator, so profile j is the same on every run. */
function randomFor(j: number): () => number {
  let a = (j * 2654435761 + 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Profile j's searchable and everyday fields. Names are skewed: the first in each list are common. */
export function directoryProfile(j: number): Record<string, FieldValue> {
  const rnd = randomFor(j);
  const skewed = <T>(list: readonly T[]) => list[Math.floor(list.length * rnd() ** 1.6)]!;
  const any = <T>(list: readonly T[]) => list[Math.floor(list.length * rnd())]!;
  const city = () => {
    let w = rnd() * CITIES.reduce((s, c) => s + c[2], 0);
    for (const c of CITIES) if ((w -= c[2]) < 0) return c;
    return CITIES[0]!;
  };
  const given = skewed(FIRST);
  const family = j % 2500 === 7 ? 'Thorvaldsen' : skewed(FAMILY);
  const role = skewed(ROLES);
  const position = /founder|CEO|CTO/i.test(role) ? role : `${any(SENIORITY)}${role}`;
  const company = skewed(COMPANIES);
  const area = any(AREAS);
  const [home, country] = city();
  const tags = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => skewed(TAGS)))];
  const slug = `${given}.${family}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();

  const bio: string[] = [];
  const years = 2 + Math.floor(rnd() * 20);
  bio.push(rnd() < 0.5 ? `${years} years in ${area.toLowerCase()}, now ${position.toLowerCase()} at ${company}.` : `I work on ${any(TOPICS)} at ${company}.`);
  const where = rnd();
  if (where < 0.45) bio.push(`Based in ${home}.`);
  else if (where < 0.6) bio.push(`Living in ${home} since ${2025 - Math.floor(rnd() * 15)}.`);
  else if (where < 0.7) bio.push(`Splitting my time between ${home} and ${city()[0]}.`);
  if (rnd() < 0.6) bio.push(`Happy to talk about ${tags.join(', ')}.`);
  if (rnd() < 0.3) bio.push(`Outside work: ${any(HOBBIES)}.`);
  if (rnd() < 0.1) bio.push(rnd() < 0.5 ? '**Open to mentoring.**' : 'We are hiring, say hello!');

  return {
    display_name: `${given} ${family}`,
    given_name: given,
    family_name: family,
    position,
    company_name: company,
    business_area: area,
    city: home,
    country,
    summary: bio.join(' '),
    tags,
    website: rnd() < 0.4 ? `https://${slug.replace('.', '-')}.example` : null,
    linkedin: rnd() < 0.5 ? `https://www.linkedin.com/in/${slug.replace('.', '-')}-${j}` : null,
    is_public: true,
  };
}

const BATCH = 500;

/**
 * Inserts `count` public profiles (each with its active account and its `profile.created`
 * event) through the storage port, 500 to a transaction, and reports how many profiles each
 * of DIRECTORY_QUERIES matches, counted by the directory's own query.
 */
export async function seedDirectory(
  storage: Storage,
  opts: { orgId: string; count: number; passwordHash: string; defaults: Readonly<Record<string, FieldValue>>; log: (line: string) => void },
): Promise<{ q: string; what: string; matches: number }[]> {
  const started = Date.now();
  for (let i = 0; i < opts.count; i += BATCH) {
    await storage.transaction(async (tx) => {
      for (let j = i; j < Math.min(opts.count, i + BATCH); j++) {
        const at = new Date().toISOString();
        const id = randomUUID();
        const profileId = randomUUID();
        const values = directoryProfile(j);
        const local = `${String(values['given_name'])}.${String(values['family_name'])}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
        await tx.insertAccount({ id, username: `dir${j}`, email: `${local}.${j}@directory.bench.example`, kind: 'human', password_hash: opts.passwordHash, status: 'active', default_org_id: opts.orgId, created_at: at, updated_at: at });
        await tx.insertProfile({ id: profileId, account_id: id, org_id: opts.orgId, version: 1, created_at: at, updated_at: at, values: { ...opts.defaults, ...values } });
        await tx.insertEvent({ profile_id: profileId, version: 1, kind: 'profile.created', actor_id: null, at, changes: [] });
      }
    });
    const done = Math.min(opts.count, i + BATCH);
    if (done % 2000 === 0 || done === opts.count) opts.log(`  directory profiles: ${done}/${opts.count} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  const counted = [];
  for (const { q, what } of DIRECTORY_QUERIES) counted.push({ q, what, matches: await storage.repos.countPublicProfiles(opts.orgId, { terms: searchTerms(q) }) });
  return counted;
}

/**
 * Proof that the seeded profiles are really in the directory as served: each query's first
 * page from `GET /v1/directory` must hold min(matches, 20) profiles, and match something,
 * or the run stops before measuring an empty search.
 */
export async function probeDirectory(base: string, token: string, counted: readonly { q: string; what: string; matches: number }[]) {
  const out = [];
  for (const c of counted) {
    const res = await fetch(`${base}/v1/directory?q=${encodeURIComponent(c.q)}`, { headers: { authorization: `Bearer ${token}` } });
    const firstPage = res.ok ? ((await res.json()) as { profiles: unknown[] }).profiles.length : null;
    if (c.matches === 0 || firstPage !== Math.min(c.matches, 20)) throw new Error(`directory "${c.q}": ${c.matches} matches, but GET /v1/directory answered ${res.status} with ${firstPage ?? 'no'} profiles`);
    out.push({ ...c, firstPage });
  }
  return out;
}
