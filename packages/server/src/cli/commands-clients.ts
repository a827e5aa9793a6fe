import { withApp } from './app.ts';
import { defineCommand } from './command.ts';

/**
 * The name a client gets without `--name`: the host of its first redirect URI
 * (`app.example.com`, `127.0.0.1:5173`), or the scheme of a native app's private-use URI
 * (`com.example.app:/cb`). An unparsable URI is refused by createClient; it is kept as is here.
 */
export function defaultClientName(redirectUri: string): string {
  try {
    const url = new URL(redirectUri);
    return url.host || url.protocol.replace(/:$/, '') || redirectUri;
  } catch {
    return redirectUri;
  }
}

/** OpenID Connect clients (README, "OpenID Connect"). */
export const clientCommands = [
  defineCommand({
    path: ['client', 'create'],
    summary: 'register an OpenID Connect client',
    description: 'Prints the client as JSON with its client_id and, for a confidential client, its client_secret: shown this once, only its hash is stored. Redirect URIs are matched exactly; http only for a loopback address.',
    options: {
      'redirect-uri': { type: 'string', value: 'U', required: true, multiple: true, help: 'where the authorization code may be sent' },
      'post-logout-redirect-uri': { type: 'string', value: 'U', multiple: true, help: 'where /oauth/v2/end_session may send the browser back' },
      public: { type: 'boolean', help: 'a public client (a browser or native app): PKCE only, no secret' },
      name: { type: 'string', value: 'N', help: 'its display name (default: the first redirect URI\'s host)' },
    },
    run: (o) =>
      withApp(async (app) => {
        const { client, ...credentials } = await app.services.oidc.createClient({
          name: o.name || defaultClientName(o['redirect-uri'][0]!),
          redirectUris: o['redirect-uri'],
          postLogoutRedirectUris: o['post-logout-redirect-uri'],
          public: o.public,
        });
        return { ...credentials, name: client.name, type: client.type, redirect_uris: client.redirect_uris, post_logout_redirect_uris: client.post_logout_redirect_uris };
      }),
  }),
  defineCommand({
    path: ['client', 'list'],
    summary: 'the registered OpenID Connect clients',
    description: 'Prints them as a JSON array, without secret hashes.',
    options: {},
    run: () => withApp(async (app) => (await app.services.oidc.listClients()).map(({ secret_hash: _hash, ...client }) => client)),
  }),
];
