import type { Kysely } from 'kysely';
import type { SqlFlavor } from './flavor.ts';

/**
 * Migration 0012 (issue 23): uploaded files in the database, so every instance, a backup and
 * the data export see the same files. `blobs` holds each file once under the SHA-256 of its
 * bytes; `upload_files` says which profile refers to which, and a blob referred to cannot be
 * deleted (the foreign key), whatever clean-up races an upload of the same bytes.
 */
export async function blobs(db: Kysely<any>, f: SqlFlavor): Promise<void> {
  const t = f.types;
  await db.schema
    .createTable('blobs')
    .addColumn('hash', t.text, (c) => c.primaryKey())
    .addColumn('content_type', t.text, (c) => c.notNull())
    .addColumn('size', t.integer, (c) => c.notNull())
    .addColumn('data', t.binary, (c) => c.notNull())
    .addColumn('created_at', t.text, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('upload_files')
    .addColumn('profile_id', t.text, (c) => c.notNull().references('profiles.id').onDelete('cascade'))
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('key', t.text, (c) => c.notNull())
    .addColumn('variant', t.text, (c) => c.notNull())
    .addColumn('blob_hash', t.text, (c) => c.notNull().references('blobs.hash'))
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_files_pk', ['profile_id', 'kind', 'variant'])
    .execute();
  await db.schema.createIndex('upload_files_key').on('upload_files').columns(['key', 'variant']).execute();
  await db.schema.createIndex('upload_files_blob').on('upload_files').column('blob_hash').execute();
}
