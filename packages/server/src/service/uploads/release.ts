import type { Repos, UploadKind } from '../../storage/port.ts';

/** The registry field that names each kind of upload. */
export const UPLOAD_FIELDS: Readonly<Record<UploadKind, string>> = { picture: 'picture', resume: 'resume' };

/**
 * Inside a profile write's transaction: a write that replaced the `picture` or `resume`
 * field (an outside URL, or null) ends the profile's upload of it. Answers the blob hashes
 * the upload named, for {@link collectBlobs} once the write has committed.
 */
export async function releaseReplaced(tx: Repos, profileId: string, changedFields: readonly string[]): Promise<string[]> {
  const released: string[] = [];
  for (const [kind, field] of Object.entries(UPLOAD_FIELDS) as [UploadKind, string][]) {
    if (changedFields.includes(field)) released.push(...(await tx.removeUpload(profileId, kind)));
  }
  return released;
}

/** After the commit: deletes the released blobs nothing refers to any more. */
export async function collectBlobs(repos: Repos, hashes: readonly string[]): Promise<void> {
  if (hashes.length > 0) await repos.deleteUnreferencedBlobs(hashes);
}
