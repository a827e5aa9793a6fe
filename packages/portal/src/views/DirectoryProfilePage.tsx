import type { PublishedCoworker } from '@profiled/client/nexudus';
import { endpoints, httpClient } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { Avatar } from './Avatar.tsx';

const SOCIAL = ['ProfileWebsite', 'Linkedin', 'Twitter', 'Github', 'Instagram', 'Facebook', 'Telegram'] as const;

/** A link only for an http(s) URL: a handle is shown as text. */
const href = (v: string) => (/^https?:\/\//i.test(v) ? v : undefined);

export function DirectoryProfilePage({ id, onTitle }: { id: string; onTitle(title: string): void }) {
  const result = useAsync(async () => {
    const res = await httpClient.get<{ Coworker: PublishedCoworker; Message?: string }>(endpoints.directory.get(id));
    if (res.status !== 200) throw new Error(res.status === 404 ? 'This profile is not listed in the directory.' : (res.data.Message ?? `HTTP ${res.status}`));
    onTitle(res.data.Coworker.FullName);
    return res.data.Coworker;
  }, [id]);
  if (result.state === 'loading') return <p aria-busy="true">Loading…</p>;
  if (result.state === 'failed') return <p className="form-error" role="alert">{result.error} <Link to="/directory">Back to the directory</Link></p>;
  const p = result.value;
  return (
    <article className="profile-view">
      <div className="profile-head">
        <Avatar name={p.FullName} url={p.AvatarUrl} size="large" />
        {(p.Position || p.CompanyName) && <p className="lead">{[p.Position, p.CompanyName].filter(Boolean).join(' · ')}</p>}
      </div>
      {p.BusinessArea && <p>{p.BusinessArea}</p>}
      {/* Sanitized by the server; the same HTML every directory client gets. */}
      {p.ProfileSummaryHtml && <div className="markdown" dangerouslySetInnerHTML={{ __html: p.ProfileSummaryHtml }} />}
      {p.ProfileTagsList.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {p.ProfileTagsList.map((t) => <li key={t}><Link to={`/directory?tag=${encodeURIComponent(t)}`}>{t}</Link></li>)}
        </ul>
      )}
      <dl className="links">
        {SOCIAL.filter((k) => p[k]).map((k) => (
          <div key={k}>
            <dt>{k === 'ProfileWebsite' ? 'Website' : k}</dt>
            <dd>{href(p[k]!) ? <a href={href(p[k]!)} rel="nofollow ugc noopener" target="_blank">{p[k]}</a> : p[k]}</dd>
          </div>
        ))}
      </dl>
      <p><Link to="/directory">Back to the directory</Link></p>
    </article>
  );
}
