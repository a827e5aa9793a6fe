import { useEffect, useState } from 'react';
import { fetchPicture, isOwnUpload, pictureSources, type PictureSize } from '../lib/pictures.ts';

/** The initials of a name: the first letters of its first and last words. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!] : words;
  return letters.map((w) => [...w][0]!.toUpperCase()).join('') || '?';
}

const PIXELS: Record<AvatarProps['size'], PictureSize> = { small: 64, medium: 64, large: 256 };

export interface AvatarProps {
  readonly name: string;
  readonly url: string | null | undefined;
  /** small: 2 rem, medium: 3 rem, large: 8 rem. */
  readonly size: 'small' | 'medium' | 'large';
  /** Fetch with the token: the signed-in person's own picture, which a profile not listed shows only to them. */
  readonly authorised?: boolean;
}

/**
 * A face beside a name, or the name's initials when there is no picture (or it fails to
 * load). Decorative: the name is always written next to it, so it has no text of its own.
 */
export function Avatar({ name, url, size, authorised = false }: AvatarProps) {
  const sources = pictureSources(url, PIXELS[size]);
  const [fetched, setFetched] = useState<string>();
  const [failed, setFailed] = useState(false);
  const fetchIt = authorised && isOwnUpload(url) && sources !== undefined;
  useEffect(() => {
    setFailed(false);
    setFetched(undefined);
    if (!fetchIt) return;
    let live = true;
    let objectUrl: string | undefined;
    fetchPicture(sources.jpg).then(
      (u) => (live ? setFetched((objectUrl = u)) : URL.revokeObjectURL(u)),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [fetchIt, sources?.jpg]);

  const className = `avatar avatar-${size}`;
  const src = fetchIt ? fetched : sources?.jpg;
  if (!sources || failed || (fetchIt && !fetched)) {
    return <span className={`${className} avatar-initials`} aria-hidden="true" data-testid="avatar-initials">{initials(name)}</span>;
  }
  return (
    <picture className={className} aria-hidden="true">
      {!fetchIt && sources.webp && <source type="image/webp" srcSet={sources.webp} />}
      <img src={src} alt="" className="avatar-img" loading="lazy" decoding="async" onError={() => setFailed(true)} data-testid="avatar-img" />
    </picture>
  );
}
