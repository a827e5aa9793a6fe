/** The Nexudus paths a portal calls, as the seed's `endpoints` module names them. */
const endpoints = {
  profile: {
    patch: '/api/public/coworker/profile',
    get: '/en/profile?_resource=Coworker',
    generateSummary: '/en/profile/GenerateOpenAiProfile',
  },
  session: {
    me: '/login/me',
  },
  profiles: {
    list: '/api/public/coworkers/profiles',
    switch: (coworkerId: number | string) => `/api/public/coworkers/profiles/${encodeURIComponent(String(coworkerId))}/switch`,
  },
  directory: {
    list: '/api/public/coworkers/published',
    get: (coworkerId: number | string) => `/api/public/coworkers/published/${encodeURIComponent(String(coworkerId))}`,
  },
  countries: '/api/public/countries',
} as const;

export default endpoints;
export type Endpoints = typeof endpoints;
