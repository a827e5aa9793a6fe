/**
 * Import directions (../shared/style.md, "Layout"): the core knows no server; services know
 * no HTTP, dialects or storage drivers; dialects never import each other; only a storage
 * backend folder imports its driver; the client knows only the core.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const server = '^packages/server/src';
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'The core has no I/O and no server knowledge; it runs in the browser too.',
      severity: 'error',
      from: { path: '^packages/core/src' },
      to: { path: '^packages/(server|client|portal)/|^node:|(^|/)node_modules/(fastify|kysely|pg|better-sqlite3|pino|jose)/' },
    },
    {
      name: 'portal-through-the-client',
      comment: 'The portal is a browser app: it talks to the server over HTTP through @profiled/client, and takes only types from the core (and @simplewebauthn/browser for the passkey ceremony).',
      severity: 'error',
      from: { path: '^packages/portal/src' },
      to: { path: '^packages/server/|(^|/)node_modules/(?!(@profiled/(client|core)|react|react-dom|scheduler|@simplewebauthn/browser)/)|^node:' },
    },
    {
      name: 'client-only-core',
      severity: 'error',
      from: { path: '^packages/client/src' },
      to: { path: '^packages/server/|(^|/)node_modules/(?!@profiled/core)' },
    },
    {
      name: 'service-knows-no-http',
      comment: 'Services take canonical values and throw catalogue errors; HTTP lives in http/ and dialects/.',
      severity: 'error',
      from: { path: `${server}/service/` },
      to: { path: `${server}/(http|dialects|cli)/|${server}/storage/(sqlite|postgres|sql)/|(^|/)node_modules/(fastify|@fastify|kysely|pg|better-sqlite3)/` },
    },
    {
      name: 'dialects-are-translators',
      comment: 'A dialect maps its wire onto services; it never reaches into storage, auth internals or the HTTP composition root.',
      severity: 'error',
      from: { path: `${server}/dialects/` },
      to: { path: `${server}/(storage|auth|http|cli)/` },
    },
    {
      name: 'dialects-never-import-each-other',
      severity: 'error',
      from: { path: `${server}/dialects/([^/]+)/` },
      to: { path: `${server}/dialects/[^/]+/`, pathNot: [`${server}/dialects/$1/`] },
    },
    {
      name: 'drivers-only-in-their-backend',
      severity: 'error',
      from: { pathNot: `${server}/storage/(sqlite|postgres)/` },
      to: { path: '(^|/)node_modules/(pg|better-sqlite3)/' },
    },
    {
      name: 'storage-backends-apart',
      severity: 'error',
      from: { path: `${server}/storage/(sqlite|postgres)/` },
      to: { path: `${server}/(service|http|dialects|auth|cli)/` },
    },
    {
      name: 'auth-below-services',
      severity: 'error',
      from: { path: `${server}/auth/` },
      to: { path: `${server}/(service|http|dialects|cli)/` },
    },
    {
      name: 'config-is-read-once',
      comment: 'Only config/load.ts reads the environment (checked by a test too); nothing imports the CLI.',
      severity: 'error',
      from: { pathNot: [`${server}/cli/`, '^packages/server/bin/'] },
      to: { path: `${server}/cli/` },
    },
    {
      name: 'untrusted-bytes-decoded-in-one-place',
      comment: 'Uploaded bytes are sniffed and decoded only by the upload service (issue 23): one place to hold to the limits and the metadata stripping.',
      severity: 'error',
      from: { pathNot: `${server}/service/uploads/` },
      to: { path: '(^|/)node_modules/(sharp|file-type)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests and the generated bundle (dist/) are not sources.
    exclude: { path: ['\\.test\\.ts$', '^packages/server/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
