import type { PublishedList } from '@profiled/client/nexudus';
import { useState, type FormEvent } from 'react';
import { endpoints, httpClient } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { Avatar } from './Avatar.tsx';

const SIZE = 20;

/** The member directory: search and tag filter live in the URL, so a result list can be shared and reloaded. */
export function DirectoryPage() {
  const { query, navigate } = useRouter();
  const q = query.get('query') ?? '';
  const tag = query.get('tag') ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [draft, setDraft] = useState({ q, tag });
  const params = new URLSearchParams({ page: String(page), size: String(SIZE), ...(q ? { query: q } : {}), ...(tag ? { tag } : {}) });
  const result = useAsync(async () => {
    const res = await httpClient.get<PublishedList & { Message?: string }>(`${endpoints.directory.list}?${params}`);
    if (res.status !== 200) throw new Error(res.data.Message ?? `HTTP ${res.status}`);
    return res.data;
  }, [params.toString()]);

  const go = (next: { q?: string; tag?: string; page?: number }) => {
    const p = new URLSearchParams();
    if (next.q) p.set('query', next.q);
    if (next.tag) p.set('tag', next.tag);
    if (next.page && next.page > 1) p.set('page', String(next.page));
    navigate(`/directory${p.size ? `?${p}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: draft.q.trim(), tag: draft.tag.trim() });
  };

  return (
    <>
      <form className="search" role="search" onSubmit={submit} aria-label="Search the directory">
        <div className="field">
          <label htmlFor="directory-query">Search</label>
          <input id="directory-query" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} placeholder="Name, position, company, skills…" />
        </div>
        <div className="field">
          <label htmlFor="directory-tag">Tag</label>
          <input id="directory-tag" value={draft.tag} onChange={(e) => setDraft({ ...draft, tag: e.target.value })} />
        </div>
        <div className="actions">
          <button type="submit">Search</button>
        </div>
      </form>
      {result.state === 'loading' && <p aria-busy="true">Searching…</p>}
      {result.state === 'failed' && <p className="form-error" role="alert">{result.error}</p>}
      {result.state === 'ready' && (
        <section aria-labelledby="results-title">
          <h2 id="results-title" aria-live="polite">{result.value.TotalItems === 1 ? '1 member' : `${result.value.TotalItems} members`}</h2>
          <ul className="cards">
            {result.value.Records.map((r) => (
              <li key={r.Id} className="card" data-testid="directory-result">
                <div className="card-head">
                  <Avatar name={r.FullName} url={r.AvatarUrl} size="medium" />
                  <h3><Link to={`/directory/${r.Id}`}>{r.FullName}</Link></h3>
                </div>
                {(r.Position || r.CompanyName) && <p>{[r.Position, r.CompanyName].filter(Boolean).join(' · ')}</p>}
                {r.ProfileTagsList.length > 0 && (
                  <ul className="tags" aria-label="Tags">
                    {r.ProfileTagsList.map((t) => (
                      <li key={t}><Link to={`/directory?tag=${encodeURIComponent(t)}`}>{t}</Link></li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          {result.value.TotalPages > 1 && (
            <nav className="pager" aria-label="Result pages">
              <button type="button" className="secondary" disabled={!result.value.HasPreviousPage} onClick={() => go({ q, tag, page: page - 1 })}>Previous</button>
              <span>Page {result.value.CurrentPage} of {result.value.TotalPages}</span>
              <button type="button" className="secondary" disabled={!result.value.HasNextPage} onClick={() => go({ q, tag, page: page + 1 })}>Next</button>
            </nav>
          )}
        </section>
      )}
    </>
  );
}
