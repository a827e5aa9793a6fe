import type { ActionConfirmation } from '@profiled/client/nexudus';
import { useEffect, useState } from 'react';
import { ProfileForm } from '../../forms/ProfileForm.tsx';
import { endpoints, httpClient, previewSummary } from '../../lib/api.ts';
import { useToast } from '../../lib/toast.tsx';

/** The summary's tools: "Generate with AI" fills the field for review; the preview is the directory's own rendering. */
function SummaryTools({ value, set }: { value: unknown; set: (v: unknown) => void }) {
  const [html, setHtml] = useState('');
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const text = typeof value === 'string' ? value : '';

  useEffect(() => {
    let live = true;
    // Debounced: the server renders it with the same sanitizer the directory uses.
    const t = setTimeout(() => {
      if (!text.trim()) return setHtml('');
      previewSummary(text).then((r) => live && setHtml(r.summary_html), () => {});
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);

  async function generate() {
    setBusy(true);
    try {
      const { data } = await httpClient.post<ActionConfirmation>(endpoints.profile.generateSummary);
      if (data.WasSuccessful && typeof data.Value === 'string') {
        set(data.Value);
        toast('A draft summary is in the field. Review it, then save.', 'info');
      } else toast(data.Message ?? 'The summary could not be written.', 'error');
    } catch {
      toast('The summary could not be written.', 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="summary-tools">
      <button type="button" className="secondary" onClick={generate} disabled={busy} aria-describedby="generate-hint">
        {busy ? 'Writing…' : 'Generate with AI'}
      </button>
      <p id="generate-hint" className="hint">Written from your name, position, company, business area and tags. Nothing is saved until you save.</p>
      <section className="preview" aria-labelledby="preview-title">
        <h3 id="preview-title">Preview</h3>
        {/* Sanitized by the server (markdown-it with HTML off, then sanitize-html). */}
        {html ? <div className="markdown" data-testid="summary-preview" dangerouslySetInnerHTML={{ __html: html }} /> : <p className="hint">Nothing to preview yet.</p>}
      </section>
    </div>
  );
}

export function ProfessionalProfilePage() {
  return (
    <ProfileForm
      page="professional"
      title="Professional profile"
      intro="What other members see in the directory when your profile is listed."
      extras={(wire, value, set) => (wire === 'ProfileSummary' ? <SummaryTools value={value} set={set} /> : null)}
    />
  );
}
