import { ProfiledError, type FieldValue } from '@profiled/core';
import type { ProfileRecord, Repos, UploadKind } from '../../storage/port.ts';
import { enqueueWebhookEvent } from '../outbox.ts';
import type { ProfileService } from '../profiles.ts';
import type { ProfileView } from '../profile-view.ts';
import type { Principal, ServiceDeps } from '../types.ts';
import { PICTURE_FIELD_SIZE, PICTURE_FORMATS, processPicture, sha256, type FocalPoint, type PictureFormat, type ProcessedFile } from './picture.ts';
import { collectBlobs, UPLOAD_FIELDS } from './release.ts';
import { checkResume } from './resume.ts';
import { uploadPaths } from './paths.ts';
import { createLimiter } from './limiter.ts';

/** A stored file as it is served: its bytes, type, strong validator, and whether anyone may have it. */
export interface ServedFile {
  readonly data: Buffer;
  readonly contentType: string;
  /** The SHA-256 of the bytes. */
  readonly hash: string;
  /** True when served because the profile is listed (anyone may have it), false when to its owner or an administrator only. */
  readonly public: boolean;
}

const SWEEP_BATCH = 500;
/** Pictures decoded at once by this process. */
const PROCESSING_SLOTS = 2;

/** How a viewer may have a file: as anyone may, as one of those allowed, or not at all. */
type Access = 'public' | 'private' | 'none';

/**
 * Profile pictures and résumés (issue 23): an upload is checked and processed here, its files
 * stored as blobs named by their hash, and the profile's `picture` or `resume` field set to
 * its absolute URL in the same transaction; a write of that field elsewhere ends the upload
 * (release.ts). Reading decides who may have a file: a picture while its profile is listed,
 * otherwise its owner and the org's administrators; a résumé, its owner, the administrators,
 * and the org's members while the profile is listed. Anyone else is told it does not exist.
 */
export function createUploadService(deps: ServiceDeps, profiles: ProfileService) {
  const { storage, clock, settings } = deps;
  const paths = uploadPaths(settings.issuer);
  const processing = createLimiter(PROCESSING_SLOTS);

  /** Makes `files` the profile's upload of `kind` and names `url` in its field, whole or not at all. */
  async function attach(principal: Principal, kind: UploadKind, key: string, files: readonly ProcessedFile[], url: string): Promise<ProfileView> {
    const at = clock.now().toISOString();
    let released: string[] = [];
    await storage.transaction(async (tx) => {
      const before = await own(tx, principal);
      await tx.putBlobs(files.map((f) => ({ hash: f.hash, content_type: f.contentType, data: f.data, created_at: at })));
      const old = await tx.replaceUpload(before.id, kind, files.map((f) => ({ key, variant: f.variant, blob_hash: f.hash, created_at: at })));
      released = old.filter((h) => !files.some((f) => f.hash === h));
      await setField(tx, principal, before, kind, url, `profile.${kind}_uploaded`, at);
    });
    await collectBlobs(storage.repos, released);
    return profiles.get(principal);
  }

  async function detach(principal: Principal, kind: UploadKind): Promise<ProfileView> {
    const at = clock.now().toISOString();
    let released: string[] = [];
    await storage.transaction(async (tx) => {
      const before = await own(tx, principal);
      released = await tx.removeUpload(before.id, kind);
      // Removing clears the field whatever it holds: an outside URL goes too.
      await setField(tx, principal, before, kind, null, `profile.${kind}_removed`, at);
    });
    await collectBlobs(storage.repos, released);
    return profiles.get(principal);
  }

  async function own(tx: Repos, principal: Principal): Promise<ProfileRecord> {
    const record = await tx.findProfile(principal.profileId, { lock: true });
    if (!record || record.account_id !== principal.accountId) throw new ProfiledError('profile.not_found');
    return record;
  }

  /** The field's new value as one versioned change, with its event and webhook (as every profile write has). */
  async function setField(tx: Repos, principal: Principal, before: ProfileRecord, kind: UploadKind, value: string | null, event: string, at: string): Promise<void> {
    const field = UPLOAD_FIELDS[kind];
    const old = (before.values[field] ?? null) as FieldValue;
    if (old === value) return;
    const version = before.version + 1;
    await tx.updateProfile(before.id, { [field]: value }, version, at);
    await tx.insertEvent({ profile_id: before.id, version, kind: event, actor_id: principal.accountId, at, changes: [{ field, old, new: value }] });
    await enqueueWebhookEvent(tx, at, 'profile.updated', { account_id: before.account_id, profile_id: before.id, version, changed_fields: [field] });
  }

  /** Is the profile listed in the directory (public, of an active account)? */
  async function listed(profile: ProfileRecord): Promise<boolean> {
    if (profile.values['is_public'] !== true) return false;
    return (await storage.repos.findAccount(profile.account_id))?.status === 'active';
  }

  const ownerOrAdmin = (viewer: Principal | null, profile: ProfileRecord) =>
    viewer !== null && (viewer.accountId === profile.account_id || (viewer.kind === 'admin' && viewer.orgId === profile.org_id));

  /** The file, through the first profile referring to it that lets the viewer have it (`may`: publicly, privately, or not at all). */
  async function serve(kind: UploadKind, key: string, variant: string, may: (profile: ProfileRecord) => Promise<Access>): Promise<ServedFile> {
    for (const ref of await storage.repos.findUploadFile(kind, key, variant)) {
      const profile = await storage.repos.findProfile(ref.profile_id);
      const access = profile ? await may(profile) : 'none';
      if (access === 'none') continue;
      const blob = await storage.repos.findBlob(ref.blob_hash);
      if (blob) return { data: blob.data, contentType: blob.content_type, hash: blob.hash, public: access === 'public' };
    }
    throw new ProfiledError('upload.not_found');
  }

  return {
    /** The largest files taken, bytes (the HTTP layer refuses a larger body before reading it). */
    limits: { pictureMaxBytes: settings.pictureMaxBytes, resumeMaxBytes: settings.resumeMaxBytes },
    /** The absolute URL of a picture's file, and of a résumé. */
    pictureUrl: paths.picture,
    resumeUrl: paths.resume,

    /** Processes and stores a picture as the caller's, replacing any before; the focal point says where the square is cut. */
    async putPicture(principal: Principal, bytes: Uint8Array, focus?: FocalPoint): Promise<ProfileView> {
      if (bytes.byteLength === 0) throw new ProfiledError('upload.missing_file');
      if (bytes.byteLength > settings.pictureMaxBytes) throw new ProfiledError('request.body_too_large');
      const picture = await processing(() => processPicture(bytes, { maxPixels: settings.pictureMaxPixels, focus }));
      return attach(principal, 'picture', picture.key, picture.files, paths.picture(picture.key, PICTURE_FIELD_SIZE, 'jpg'));
    },
    removePicture: (principal: Principal) => detach(principal, 'picture'),

    async putResume(principal: Principal, bytes: Uint8Array): Promise<ProfileView> {
      if (bytes.byteLength === 0) throw new ProfiledError('upload.missing_file');
      if (bytes.byteLength > settings.resumeMaxBytes) throw new ProfiledError('request.body_too_large');
      await checkResume(bytes);
      const data = Buffer.from(bytes);
      const hash = sha256(data);
      return attach(principal, 'resume', hash, [{ variant: 'pdf', contentType: 'application/pdf', data, hash }], paths.resume(hash));
    },
    removeResume: (principal: Principal) => detach(principal, 'resume'),

    /** A picture's file for `viewer` (null: no credential): while its profile is listed, to anyone; otherwise to its owner and the org's administrators. */
    readPicture(viewer: Principal | null, key: string, size: number, format: PictureFormat): Promise<ServedFile> {
      if (!PICTURE_FORMATS[format]) throw new ProfiledError('upload.not_found');
      return serve('picture', key, `${size}.${format}`, async (profile) => ((await listed(profile)) ? 'public' : ownerOrAdmin(viewer, profile) ? 'private' : 'none'));
    },

    /** A résumé for `viewer`: its owner and the org's administrators; the org's members while the profile is listed. */
    readResume(viewer: Principal | null, key: string): Promise<ServedFile> {
      if (!viewer) throw new ProfiledError('upload.not_found');
      return serve('resume', key, 'pdf', async (profile) => {
        if (ownerOrAdmin(viewer, profile)) return 'private';
        if (!(await listed(profile))) return 'none';
        const member = viewer.orgId === profile.org_id || (await storage.repos.findProfileOf(viewer.accountId, profile.org_id)) !== undefined;
        return member ? 'private' : 'none';
      });
    },

    /** Deletes blobs no upload refers to (left by an import's write, or a process stopped between commit and clean-up). */
    async sweep(): Promise<number> {
      let deleted = 0;
      for (;;) {
        const orphans = await storage.repos.listUnreferencedBlobs(SWEEP_BATCH);
        if (orphans.length === 0) return deleted;
        const n = await storage.repos.deleteUnreferencedBlobs(orphans);
        deleted += n;
        if (n === 0 || orphans.length < SWEEP_BATCH) return deleted;
      }
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
export type { FocalPoint, PictureFormat } from './picture.ts';
export { PICTURE_SIZES } from './picture.ts';
