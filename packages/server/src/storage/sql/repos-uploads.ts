import type { Kysely } from 'kysely';
import type { BlobRow, UploadFileRow, UploadRepos } from '../port.ts';
import type { SqlFlavor } from './flavor.ts';

const FILE_COLUMNS = ['profile_id', 'kind', 'key', 'variant', 'blob_hash', 'created_at'] as const;

/** The `blobs` and `upload_files` tables (migration 0012). */
export function uploadRepos(db: Kysely<any>, f: SqlFlavor): UploadRepos {
  const released = async (profileId: string, kind?: string) => {
    let q = db.deleteFrom('upload_files').where('profile_id', '=', profileId);
    if (kind) q = q.where('kind', '=', kind);
    return [...new Set((await q.returning('blob_hash').execute()).map((r) => r.blob_hash as string))];
  };
  return {
    async putBlobs(blobs) {
      for (const b of blobs) {
        // A no-op update rather than DO NOTHING: it locks a row that exists already, so a
        // concurrent clean-up of the same bytes waits for this transaction, then finds it referred to.
        await db
          .insertInto('blobs')
          .values({ hash: b.hash, content_type: b.content_type, size: b.data.length, data: b.data, created_at: b.created_at })
          .onConflict((oc) => oc.column('hash').doUpdateSet((eb) => ({ content_type: eb.ref('excluded.content_type') })))
          .execute();
      }
    },
    async replaceUpload(profileId, kind, files) {
      const old = await released(profileId, kind);
      if (files.length > 0) await db.insertInto('upload_files').values(files.map((file) => ({ ...file, profile_id: profileId, kind }))).execute();
      return old;
    },
    removeUpload: (profileId, kind) => released(profileId, kind),
    async listUploadFiles(profileIds) {
      if (profileIds.length === 0) return [];
      return (await db.selectFrom('upload_files').select(FILE_COLUMNS).where('profile_id', 'in', [...profileIds]).orderBy('profile_id').orderBy('kind').orderBy('variant').execute()) as UploadFileRow[];
    },
    async findUploadFile(kind, key, variant) {
      return (await db.selectFrom('upload_files').select(FILE_COLUMNS).where('key', '=', key).where('variant', '=', variant).where('kind', '=', kind).orderBy('profile_id').execute()) as UploadFileRow[];
    },
    async findBlob(hash) {
      const row = await db.selectFrom('blobs').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? { ...(row as BlobRow), size: Number(row.size), data: Buffer.from(row.data as Uint8Array) } : undefined;
    },
    async listUnreferencedBlobs(limit) {
      const rows = await db
        .selectFrom('blobs')
        .select('hash')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('upload_files').select('blob_hash').whereRef('upload_files.blob_hash', '=', 'blobs.hash'))))
        .orderBy('hash')
        .limit(limit)
        .execute();
      return rows.map((r) => r.hash as string);
    },
    async deleteUnreferencedBlobs(hashes) {
      let deleted = 0;
      for (const hash of new Set(hashes)) {
        try {
          const r = await db
            .deleteFrom('blobs')
            .where('hash', '=', hash)
            .where((eb) => eb.not(eb.exists(eb.selectFrom('upload_files').select('blob_hash').where('blob_hash', '=', hash))))
            .executeTakeFirst();
          deleted += Number(r.numDeletedRows);
        } catch (err) {
          // An upload of the same bytes committed meanwhile refers to it: it stays, as it should.
          if (!f.isForeignKeyViolation(err)) throw err;
        }
      }
      return deleted;
    },
  };
}
