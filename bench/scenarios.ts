import { DIRECTORY_QUERIES } from './directory.ts';
import type { SeededAccount } from './seed.ts';
import { BENCH_PASSWORD } from './seed.ts';

/** One load scenario: how to build the n-th request, spread over the seeded accounts. */
export interface Scenario {
  readonly name: string;
  /** PATCH/GET scenarios carry the speed targets; the others are reported for information. */
  readonly targeted: boolean;
  /** Which baseline figure this scenario is compared with. */
  readonly baseline: 'patch' | 'get' | null;
  /** A path the server must document in /openapi.json for the scenario to run. */
  readonly requires: string;
  readonly method: 'GET' | 'PATCH' | 'PUT' | 'POST';
  request(n: number, account: SeededAccount): { path: string; body?: string; contentType?: string; token?: string };
}

const words = ['Analyst', 'Engineer', 'Designer', 'Founder', 'Writer', 'Researcher', 'Teacher', 'Architect'];
const word = (n: number) => words[n % words.length]!;
/** The n-th request's directory search, URL-encoded: the queries in turn. */
const query = (n: number) => encodeURIComponent(DIRECTORY_QUERIES[n % DIRECTORY_QUERIES.length]!.q);

/** Ten fields changed per write, each value unique to the request, so every PATCH really writes. */
export const scenarios: readonly Scenario[] = [
  {
    name: 'native GET /v1/me/profile',
    targeted: true,
    baseline: 'get',
    requires: '/v1/me/profile',
    method: 'GET',
    request: (_n, a) => ({ path: '/v1/me/profile', token: a.accessToken }),
  },
  {
    name: 'native PATCH /v1/me/profile',
    targeted: true,
    baseline: 'patch',
    requires: '/v1/me/profile',
    method: 'PATCH',
    request: (n, a) => ({
      path: '/v1/me/profile',
      token: a.accessToken,
      contentType: 'application/merge-patch+json',
      body: JSON.stringify({ given_name: `Given${n}`, family_name: `Family${n}`, display_name: `Member ${n}`, city: `City${n}`, street: `${n} Main St`, post_code: `${10000 + (n % 89999)}`, position: `${word(n)} ${n}`, company_name: `Company ${n}`, business_area: `Area ${n % 97}`, website: `https://example.com/${n}` }),
    }),
  },
  {
    // Targeted against the baseline GET, which reads one row by key: harsh by construction
    // (a full-text match ranked over up to thousands of rows, then a page of 20).
    name: 'native GET /v1/directory?q=…',
    targeted: true,
    baseline: 'get',
    requires: '/v1/directory',
    method: 'GET',
    request: (n, a) => ({ path: `/v1/directory?q=${query(n)}`, token: a.accessToken }),
  },
  {
    name: 'nexudus GET /en/profile',
    targeted: true,
    baseline: 'get',
    requires: '/:p/profile',
    method: 'GET',
    request: (_n, a) => ({ path: '/en/profile?_resource=Coworker', token: a.accessToken }),
  },
  {
    name: 'nexudus PATCH /api/public/coworker/profile',
    targeted: true,
    baseline: 'patch',
    requires: '/api/public/coworker/profile',
    method: 'PATCH',
    request: (n, a) => ({
      path: '/api/public/coworker/profile',
      token: a.accessToken,
      body: JSON.stringify({ FullName: `Member ${n}`, NickName: `Nick${n}`, Address: `${n} Main St`, PostCode: `${10000 + (n % 89999)}`, CityName: `City${n}`, State: `State${n % 50}`, Position: `${word(n)} ${n}`, CompanyName: `Company ${n}`, BusinessArea: `Area ${n % 97}`, ProfileWebsite: `https://example.com/${n}` }),
    }),
  },
  {
    // As the native search, plus the count of every match that ApiListResult carries; page of 25.
    name: 'nexudus GET /api/public/coworkers/published?query=…',
    targeted: true,
    baseline: 'get',
    requires: '/api/public/coworkers/published',
    method: 'GET',
    request: (n, a) => ({ path: `/api/public/coworkers/published?query=${query(n)}`, token: a.accessToken }),
  },
  {
    name: 'workspace GET /api/workspace/account/profile',
    targeted: true,
    baseline: 'get',
    requires: '/api/workspace/account/profile',
    method: 'GET',
    request: (_n, a) => ({ path: '/api/workspace/account/profile', token: a.accessToken }),
  },
  {
    name: 'workspace PUT /api/workspace/account/profile',
    targeted: true,
    baseline: 'patch',
    requires: '/api/workspace/account/profile',
    method: 'PUT',
    request: (n, a) => ({ path: '/api/workspace/account/profile', token: a.accessToken, body: JSON.stringify({ FirstName: `Given${n}`, LastName: `Family${n}` }) }),
  },
  {
    name: 'zitadel GET /auth/v1/users/me/profile',
    targeted: true,
    baseline: 'get',
    requires: '/auth/v1/users/me/profile',
    method: 'GET',
    request: (_n, a) => ({ path: '/auth/v1/users/me/profile', token: a.accessToken }),
  },
  {
    name: 'zitadel PUT /auth/v1/users/me/profile',
    targeted: true,
    baseline: 'patch',
    requires: '/auth/v1/users/me/profile',
    method: 'PUT',
    request: (n, a) => ({
      path: '/auth/v1/users/me/profile',
      token: a.accessToken,
      body: JSON.stringify({ firstName: `Given${n}`, lastName: `Family${n}`, nickName: `Nick${n}`, displayName: `Member ${n}`, preferredLanguage: n % 2 ? 'en' : 'de', gender: n % 2 ? 'GENDER_FEMALE' : 'GENDER_MALE' }),
    }),
  },
  {
    name: 'aisquare GET /api/v1/iam/user/profile/',
    targeted: true,
    baseline: 'get',
    requires: '/api/v1/iam/user/profile/',
    method: 'GET',
    request: (_n, a) => ({ path: '/api/v1/iam/user/profile/', token: a.accessToken }),
  },
  {
    name: 'aisquare PATCH /api/v1/iam/user/profile/',
    targeted: true,
    baseline: 'patch',
    requires: '/api/v1/iam/user/profile/',
    method: 'PATCH',
    request: (n, a) => ({
      path: '/api/v1/iam/user/profile/',
      token: a.accessToken,
      body: JSON.stringify({ full_name: `Member ${n}`, details: { bio: `Bio ${n}`, address: `${n} Main St`, website_url: `https://example.com/${n}`, github_url: `https://github.com/u${n}`, linkedin_url: `https://linkedin.com/in/u${n}`, twitter_url: `https://twitter.com/u${n}`, portfolio_url: `https://portfolio.example/${n}`, facebook_url: `https://facebook.com/u${n}`, user_type: word(n) } }),
    }),
  },
];

/** The refresh grant, each connection rotating its own tokens. Reported, not targeted. */
export const refreshScenario = {
  name: 'POST /oauth/token (refresh_token)',
  requires: '/oauth/token',
};

/** Password sign-in: bound by argon2id by design. Reported apart from the targets. */
export const loginScenario: Scenario = {
  name: 'POST /oauth/token (password, argon2-bound)',
  targeted: false,
  baseline: null,
  requires: '/oauth/token',
  method: 'POST',
  request: (_n, a) => ({ path: '/oauth/token', contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ grant_type: 'password', username: a.username, password: BENCH_PASSWORD }).toString() }),
};
