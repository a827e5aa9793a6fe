import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Profile summaries are Markdown written by people (or a model): rendered with raw HTML off,
 * then sanitised to a small allowlist — no scripts, event handlers, styles, or URLs other
 * than http(s) and mailto — and every link marked `rel="nofollow ugc noopener"`.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const ALLOWED = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard' as const,
  transformTags: {
    a: (tagName: string, attribs: Record<string, string>) => ({ tagName, attribs: { ...attribs, rel: 'nofollow ugc noopener', ...(attribs['target'] ? { target: '_blank' } : {}) } }),
  },
};

/**
 * Rendered summaries by their Markdown: rendering and sanitising is a pure function of the
 * text, and a directory page renders twenty or more of them (it was most of a search's CPU
 * time). Bounded by the characters held, Markdown and HTML together (some 8 MB at most),
 * oldest entry out first.
 */
const rendered = new Map<string, string>();
const MAX_CHARS = 4_000_000;
let held = 0;

export function renderSummary(markdown: string | null | undefined): string {
  if (!markdown) return '';
  let html = rendered.get(markdown);
  if (html === undefined) {
    html = sanitizeHtml(md.render(markdown), ALLOWED);
    rendered.set(markdown, html);
    held += markdown.length + html.length;
    while (held > MAX_CHARS) {
      const [oldest, oldHtml] = rendered.entries().next().value as [string, string];
      rendered.delete(oldest);
      held -= oldest.length + oldHtml.length;
    }
  }
  return html;
}
