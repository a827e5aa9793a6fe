import { ProfiledError } from '@profiled/core';
import type { Principal, ServiceDeps } from './types.ts';
import type { VocabularyService } from './vocabularies.ts';
import { exportedFiles } from './uploads/export-files.ts';
import { uploadPaths } from './uploads/paths.ts';

const HISTORY_PAGE = 500;

/**
 * The account's data export (GDPR art. 15 and 20): every stored field of every profile of
 * the account, each profile's whole history, the vocabulary entries its fields reference, its
 * follows, its uploaded files (listed; their bytes too in the zip form), and the account's
 * sessions, API keys, pending changes — as one JSON document.
 * Secrets are never in it: no password hash, no token or key hashes, no codes.
 */
export function createExportService(deps: ServiceDeps, vocabularies: VocabularyService) {
  const { storage, registry, clock } = deps;
  const paths = uploadPaths(deps.settings.issuer);

  /** The document, and the uploaded files' bytes it lists, each under its `path`. */
  async function build(principal: Principal) {
    const repos = storage.repos;
    const account = await repos.findAccount(principal.accountId);
    if (!account) throw new ProfiledError('account.not_found');
    const profiles = [];
    const files: { path: string; data: Buffer }[] = [];
    for (const summary of await repos.listProfilesOf(account.id)) {
      const record = await repos.findProfile(summary.id);
      if (!record) continue;
      const fields: Record<string, unknown> = {};
      for (const def of registry.storedProfileFields) fields[def.name] = record.values[def.name] ?? null;
      const history = [];
      for (let before: number | undefined; ; ) {
        const page = await repos.listEvents(record.id, { limit: HISTORY_PAGE, ...(before !== undefined ? { beforeVersion: before } : {}) });
        history.push(...page.map(({ profile_id: _p, ...e }) => e));
        if (page.length < HISTORY_PAGE) break;
        before = page.at(-1)!.version;
      }
      const uploaded = await exportedFiles(repos, paths, record.id);
      files.push(...uploaded.map((f) => ({ path: f.entry.path, data: f.data })));
      profiles.push({
        id: record.id,
        number: record.number,
        org: { id: summary.org_id, slug: summary.org_slug, name: summary.org_name },
        version: record.version,
        created_at: record.created_at,
        updated_at: record.updated_at,
        fields,
        vocabularies: await vocabularies.expand(record.org_id, record.values),
        follows: await repos.listFollowsOf(record.id),
        files: uploaded.map((f) => f.entry),
        history,
      });
    }
    const accountFields: Record<string, unknown> = {};
    const stored = await repos.findProfile(principal.profileId);
    for (const def of registry.storedAccountFields) accountFields[def.name] = stored?.values[def.name] ?? null;
    const document = {
      format: 'profiled-export/1',
      exported_at: clock.now().toISOString(),
      account: {
        id: account.id,
        status: account.status,
        default_org_id: account.default_org_id,
        created_at: account.created_at,
        updated_at: account.updated_at,
        has_password: account.password_hash !== null,
        fields: accountFields,
      },
      profiles,
      sessions: (await repos.listSessionsOf(account.id)).map((s) => ({ id: s.id, profile_id: s.profile_id, created_at: s.created_at, revoked_at: s.revoked_at, scope: s.scope ?? null, client_id: s.client_id ?? null, user_agent: s.user_agent ?? null, ip: s.ip ?? null, amr: s.amr ?? null, last_seen_at: s.last_seen_at ?? null })),
      // Second factors (issue 22): what they are and when used; never a secret, key or recovery code.
      second_factors: [
        ...(await repos.listFactorsOf(account.id)).filter((f) => f.confirmed_at).map((f) => ({ id: f.id, kind: f.kind, created_at: f.confirmed_at, last_used_at: f.last_used_at })),
        ...(await repos.listPasskeysOf(account.id)).map((p) => ({ id: p.id, kind: 'passkey', name: p.name, created_at: p.created_at, last_used_at: p.last_used_at })),
      ],
      api_keys: (await repos.listApiKeys(account.id)).map((k) => ({ id: k.id, prefix: k.prefix, name: k.name, created_at: k.created_at, last_used_at: k.last_used_at, revoked_at: k.revoked_at })),
      external_identities: await repos.listExternalIdentitiesOf(account.id),
      pending_changes: (await repos.listPendingChangesOf(account.id)).map((p) => ({ field: p.field, value: p.value, created_at: p.created_at, expires_at: p.expires_at })),
    };
    return { document, files };
  }

  return {
    async exportAccount(principal: Principal) {
      return (await build(principal)).document;
    },
    /** The export for a zip: the document, and every uploaded file's bytes under the `path` the document gives it. */
    exportArchive: build,
  };
}

export type ExportService = ReturnType<typeof createExportService>;
