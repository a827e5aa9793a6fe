const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp of the API as the person's locale writes it. */
export const formatWhen = (iso: string): string => format.format(new Date(iso));

/** How a session signed in, from its RFC 8176 `amr` values. */
export const signInMethod = (amr: readonly string[]): string => (amr.includes('otp') ? 'password and code' : amr.includes('pwd') ? 'password' : amr.join(', ') || 'unknown');
