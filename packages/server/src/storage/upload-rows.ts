/** Uploaded files (migration 0012, issue 23): content-addressed blobs and what each profile refers to; re-exported by the storage port. */

/** One stored file, named by the SHA-256 (hex) of its bytes: the same bytes are stored once. */
export interface BlobRow {
  readonly hash: string;
  readonly content_type: string;
  readonly size: number;
  readonly data: Buffer;
  readonly created_at: string;
}

/** What a profile has uploaded: a picture (its six sizes and formats) or a résumé. */
export type UploadKind = 'picture' | 'resume';

/**
 * One file of a profile's upload. `key` names the upload in its URL (a picture's key is the
 * hash of its 512 px WebP, a résumé's the hash of the PDF); `variant` says which file of it
 * (`256.webp`, `64.jpg`, `pdf`).
 */
export interface UploadFileRow {
  readonly profile_id: string;
  readonly kind: UploadKind;
  readonly key: string;
  readonly variant: string;
  readonly blob_hash: string;
  readonly created_at: string;
}

export interface UploadRepos {
  /** Stores the blobs not stored yet; one already there is kept (and locked to this transaction, so no clean-up removes it meanwhile). */
  putBlobs(blobs: readonly Omit<BlobRow, 'size'>[]): Promise<void>;
  /** Makes these the profile's files of `kind`, replacing any before; answers the blob hashes the old ones named. */
  replaceUpload(profileId: string, kind: UploadKind, files: readonly Omit<UploadFileRow, 'profile_id' | 'kind'>[]): Promise<string[]>;
  /** Removes the profile's files of `kind` (all kinds when absent); answers the blob hashes they named. */
  removeUpload(profileId: string, kind?: UploadKind): Promise<string[]>;
  /** The profiles' uploaded files, by profile, kind and variant. */
  listUploadFiles(profileIds: readonly string[]): Promise<UploadFileRow[]>;
  /** The file `variant` of the upload `key`, once per profile that refers to it. */
  findUploadFile(kind: UploadKind, key: string, variant: string): Promise<UploadFileRow[]>;
  findBlob(hash: string): Promise<BlobRow | undefined>;
  /** Up to `limit` blobs no upload refers to. */
  listUnreferencedBlobs(limit: number): Promise<string[]>;
  /**
   * Deletes those of these blobs no upload refers to; answers how many went. Outside a
   * transaction only: a blob an upload committed meanwhile refers to fails its statement (kept).
   */
  deleteUnreferencedBlobs(hashes: readonly string[]): Promise<number>;
}
