import type { Repos, UploadFileRow } from '../../storage/port.ts';
import type { uploadPaths } from './paths.ts';

/** One uploaded file as the data export lists it; `path` is where the zip export holds it. */
export interface ExportedFile {
  readonly kind: UploadFileRow['kind'];
  readonly variant: string;
  readonly url: string;
  readonly content_type: string;
  readonly size: number;
  readonly sha256: string;
  readonly created_at: string;
  readonly path: string;
}

/** The profile's uploaded files with their bytes, in a stable order. */
export async function exportedFiles(repos: Repos, paths: ReturnType<typeof uploadPaths>, profileId: string): Promise<{ entry: ExportedFile; data: Buffer }[]> {
  const out: { entry: ExportedFile; data: Buffer }[] = [];
  for (const file of await repos.listUploadFiles([profileId])) {
    const blob = await repos.findBlob(file.blob_hash);
    if (!blob) continue;
    const [size, format] = file.variant.split('.') as [string, 'webp' | 'jpg' | undefined];
    const url = file.kind === 'picture' && format ? paths.picture(file.key, Number(size), format) : paths.resume(file.key);
    const name = file.kind === 'picture' ? `picture-${file.variant}` : 'resume.pdf';
    out.push({
      entry: { kind: file.kind, variant: file.variant, url, content_type: blob.content_type, size: blob.size, sha256: blob.hash, created_at: file.created_at, path: `files/${profileId}/${name}` },
      data: blob.data,
    });
  }
  return out;
}
