/** Drives Profiled's sign-in form the way a browser without JavaScript would: GET the form, POST it back with its cookie. */
export interface FormResult {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
}

const hiddenFields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]));
const decodeEntities = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

export async function openAuthorize(url: string): Promise<{ status: number; location: string | null; html: string; cookie: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), cookie };
}

/** Submits the form shown at `url` with these credentials; answers where it sends the browser. */
export async function signInThrough(url: string, username: string, password: string, tweak: (fields: Record<string, string>) => void = () => {}): Promise<FormResult> {
  const form = await openAuthorize(url);
  if (form.status !== 200) throw new Error(`authorize answered ${form.status}: ${form.location ?? form.html.slice(0, 300)}`);
  const fields: Record<string, string> = { ...hiddenFields(form.html), username, password };
  tweak(fields);
  const action = new URL('/oauth/v2/authorize', url).toString();
  const res = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie, origin: new URL(url).origin },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}
