import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderSummary } from '../../packages/server/src/service/markdown.ts';
import { sqlite } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** Classic XSS vectors (OWASP cheat sheet and friends), in Markdown and in raw HTML. */
const VECTORS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](  javascript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '[x](vbscript:msgbox(1))',
  '<details open ontoggle=alert(1)>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<style>*{background:red}</style>',
  '<a href="https://ok.example" onclick="alert(1)">ok</a>',
];

const SAFE_TAGS = new Set(['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

/**
 * Checks the markup itself (escaped text such as `&lt;script&gt;` is harmless and allowed):
 * only allowlisted elements, no event handlers or styles, links only to http(s) or mailto.
 */
function assertHarmless(html: string): void {
  for (const [, name, attrs] of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    assert.ok(SAFE_TAGS.has(name!.toLowerCase()), `element <${name}> survived in ${html}`);
    for (const [, attr, value] of attrs!.matchAll(/([a-zA-Z-]+)\s*=\s*"([^"]*)"/g)) {
      assert.ok(!/^on/i.test(attr!) && attr!.toLowerCase() !== 'style', `attribute ${attr} survived in ${html}`);
      if (attr!.toLowerCase() === 'href' || attr!.toLowerCase() === 'src') assert.match(value!, /^(https?:|mailto:)/i, `${attr}=${value} survived`);
    }
    assert.doesNotMatch(attrs!, /\son[a-z]+\s*=/i, `an event handler survived in ${html}`);
  }
}

describe('summaries render to harmless HTML', () => {
  for (const vector of VECTORS) {
    it(`neutralises ${JSON.stringify(vector).slice(0, 60)}`, () => {
      assertHarmless(renderSummary(`Hello\n\n${vector}\n`));
    });
  }

  it('keeps ordinary Markdown, and links get rel="nofollow ugc noopener"', () => {
    const html = renderSummary('## Work\n\n*Rust* and **Go** — see [my site](https://example.org/x).');
    assert.match(html, /<h2>Work<\/h2>/);
    assert.match(html, /<em>Rust<\/em>/);
    assert.match(html, /<a href="https:\/\/example.org\/x" rel="nofollow ugc noopener">my site<\/a>/);
  });
});

describe('the directory serves the sanitized HTML beside the raw Markdown', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(sqlite);
  });
  after(() => server.close());

  it('raw Markdown stays as written; summary_html is sanitized', async () => {
    const viewer = await server.createUser();
    const author = await server.createUser();
    const summary = [...VECTORS, 'Find me [here](https://ok.example).'].join('\n\n');
    const saved = await server.request('PATCH', '/v1/me/profile', { token: author.token, body: { summary, is_public: true } });
    assert.equal(saved.status, 200);
    const res = await server.request('GET', `/v1/directory/${author.profileId}`, { token: viewer.token });
    assert.equal(res.body.summary, summary);
    assertHarmless(res.body.summary_html);
    assert.match(res.body.summary_html, /<a href="https:\/\/ok.example" rel="nofollow ugc noopener">here<\/a>/, 'an ordinary Markdown link survives, marked nofollow');
  });
});
