import { parseArgs } from 'node:util';
import { compileRegistry, ProfiledError, registry as defaultRegistry } from '@profiled/core';
import { ConfigError, loadConfig } from '../config/load.ts';
import { createApp } from '../http/app.ts';
import { serve } from '../http/main.ts';
import { openStorage } from '../storage/index.ts';
import { listStoredMail } from '../delivery/mail.ts';
import { listStoredSms } from '../delivery/sms.ts';

const USAGE = `usage: profiled <command>
  serve                                   serve the API and portal
  migrate                                 apply database migrations and exit
  org create --slug S --name N            create an organization
  user create --email E --password P [--username U] [--org S] [--kind human|service|admin] [--display-name D]
  profile create --user <id|email|username> --org S [--display-name D]
  apikey create --user <id|email|username> [--name N]
  apikey list --user <id|email|username>
  apikey revoke --id <key id>
  client create --name N --redirect-uri U [--redirect-uri U…] [--post-logout-redirect-uri U…] [--public]
  client list                             the registered OpenID Connect clients
  vocab add --kind skill|investment_interest|tag --name N [--description D] [--org S]
  vocab list [--kind skill|investment_interest|tag] [--org S]
  vocab free-entry --enabled true|false [--org S]
  purge [--dry-run]                       erase accounts whose deletion grace period has ended
  mail list [--limit N]                   the mails the file transport delivered (no SMTP_URL)
  sms list [--limit N]                    the text messages the file transport delivered (no SMS_URL)
  notify --event E --text T [--subject S] [--profile ID] [--org S]
                                          emit help_desk_reply|wall_post|blog_comment|event_comment|community_digest
  webhook create --url U [--event E…]     register a change-webhook endpoint (prints its secret once)
  webhook list | messages | deliveries [--endpoint ID]
  webhook replay --id <outbox id>         send a webhook message again (same webhook-id)`;

class UsageError extends Error {}

type Spec = Record<string, { type: 'string' | 'boolean'; required?: boolean; multiple?: boolean }>;

function options(args: string[], spec: Spec): Record<string, string | undefined> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, { type: v.type, ...(v.multiple ? { multiple: true } : {}) }])), strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  for (const [name, s] of Object.entries(spec)) {
    const v = parsed.values[name];
    if (s.required && (v === undefined || v === '' || (Array.isArray(v) && v.length === 0))) throw new UsageError(`missing --${name}`);
  }
  return parsed.values as Record<string, string | undefined>;
}

/** `--limit N` of the list commands: a positive integer, 50 when absent. */
function listLimit(args: string[]): number {
  const o = options(args, { limit: { type: 'string' } });
  const limit = Number(o['limit'] ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  return limit;
}

/** Runs a command that needs the services, then closes the database. */
async function withApp<T>(fn: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>): Promise<T> {
  const app = await createApp({ config: loadConfig(undefined, {}, { logLevel: 'warn' }), background: false });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The `profiled` command line: JSON on stdout; on bad arguments one line on stderr and exit
 * code 2; on a refused operation (taken username, weak password…) its message and exit code 1.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        options(argv.slice(1), {});
        await serve(loadConfig());
        return 0;
      case 'migrate': {
        options(argv.slice(1), {});
        const config = loadConfig();
        const registry = compileRegistry(defaultRegistry);
        const storage = await openStorage({ url: config.databaseUrl, registry, sqliteSynchronous: config.sqliteSynchronous, now: () => new Date().toISOString() });
        try {
          print({ ok: true, database: storage.capabilities.name, ...(await storage.migrate()) });
        } finally {
          await storage.close();
        }
        return 0;
      }
      case 'org':
        if (sub !== 'create') throw new UsageError(`unknown command "org ${sub ?? ''}"`.trim());
        {
          const o = options(rest, { slug: { type: 'string', required: true }, name: { type: 'string', required: true } });
          print(await withApp((app) => app.services.accounts.createOrg({ slug: o['slug']!, name: o['name']! })));
        }
        return 0;
      case 'user':
        if (sub !== 'create') throw new UsageError(`unknown command "user ${sub ?? ''}"`.trim());
        {
          const o = options(rest, {
            email: { type: 'string' },
            password: { type: 'string' },
            username: { type: 'string' },
            org: { type: 'string' },
            kind: { type: 'string' },
            'display-name': { type: 'string' },
          });
          const kind = o['kind'] ?? 'human';
          if (!['human', 'service', 'admin'].includes(kind)) throw new UsageError('--kind must be human, service or admin');
          if (kind !== 'service' && !o['email']) throw new UsageError('missing --email');
          if (kind !== 'service' && !o['password']) throw new UsageError('missing --password');
          if (kind === 'service' && !o['email'] && !o['username']) throw new UsageError('a service account needs --username or --email');
          print(await withApp((app) => app.services.accounts.createAccount({ email: o['email'] ?? null, password: o['password'] ?? null, username: o['username'] ?? null, org: o['org'] ?? null, kind: kind as 'human', displayName: o['display-name'] ?? null })));
        }
        return 0;
      case 'profile':
        if (sub !== 'create') throw new UsageError(`unknown command "profile ${sub ?? ''}"`.trim());
        {
          const o = options(rest, { user: { type: 'string', required: true }, org: { type: 'string', required: true }, 'display-name': { type: 'string' } });
          print(await withApp((app) => app.services.accounts.addProfile(o['user']!, o['org']!, o['display-name'] ?? null)));
        }
        return 0;
      case 'apikey': {
        if (sub === 'create') {
          const o = options(rest, { user: { type: 'string', required: true }, name: { type: 'string' } });
          print(await withApp((app) => app.services.accounts.createApiKey(o['user']!, o['name'] ?? 'default')));
        } else if (sub === 'list') {
          const o = options(rest, { user: { type: 'string', required: true } });
          print(await withApp((app) => app.services.accounts.listApiKeys(o['user']!)));
        } else if (sub === 'revoke') {
          const o = options(rest, { id: { type: 'string', required: true } });
          print(await withApp((app) => app.services.accounts.revokeApiKey(o['id']!)));
        } else throw new UsageError(`unknown command "apikey ${sub ?? ''}"`.trim());
        return 0;
      }
      case 'client': {
        if (sub === 'create') {
          const o = options(rest, { name: { type: 'string', required: true }, 'redirect-uri': { type: 'string', required: true, multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true }, public: { type: 'boolean' } }) as unknown as Record<string, string[] | string | boolean | undefined>;
          print(await withApp(async (app) => {
            const { client, ...credentials } = await app.services.oidc.createClient({
              name: o['name'] as string,
              redirectUris: o['redirect-uri'] as string[],
              postLogoutRedirectUris: (o['post-logout-redirect-uri'] as string[] | undefined) ?? [],
              public: o['public'] === true,
            });
            // The secret is shown once, here; only its hash is stored.
            return { ...credentials, name: client.name, type: client.type, redirect_uris: client.redirect_uris, post_logout_redirect_uris: client.post_logout_redirect_uris };
          }));
        } else if (sub === 'list') {
          options(rest, {});
          print(await withApp(async (app) => (await app.services.oidc.listClients()).map(({ secret_hash: _h, ...c }) => c)));
        } else throw new UsageError(`unknown command "client ${sub ?? ''}"`.trim());
        return 0;
      }
      case 'vocab': {
        if (sub === 'add') {
          const o = options(rest, { org: { type: 'string' }, kind: { type: 'string', required: true }, name: { type: 'string', required: true }, description: { type: 'string' } });
          print(await withApp((app) => app.services.vocabularies.add({ slug: o['org'] ?? 'default' }, { kind: o['kind']!, name: o['name']!, description: o['description'] ?? null })));
        } else if (sub === 'list') {
          const o = options(rest, { org: { type: 'string' }, kind: { type: 'string' } });
          const org = { slug: o['org'] ?? 'default' };
          print(await withApp(async (app) => {
            const v = app.services.vocabularies;
            if (o['kind']) return v.list(org, o['kind']);
            return { skill: await v.list(org, 'skill'), investment_interest: await v.list(org, 'investment_interest'), tag: await v.list(org, 'tag') };
          }));
        } else if (sub === 'free-entry') {
          const o = options(rest, { org: { type: 'string' }, enabled: { type: 'string', required: true } });
          if (o['enabled'] !== 'true' && o['enabled'] !== 'false') throw new UsageError('--enabled must be true or false');
          print(await withApp((app) => app.services.vocabularies.setFreeEntry({ slug: o['org'] ?? 'default' }, o['enabled'] === 'true')));
        } else throw new UsageError(`unknown command "vocab ${sub ?? ''}"`.trim());
        return 0;
      }
      case 'purge': {
        const o = options(argv.slice(1), { 'dry-run': { type: 'boolean' } }) as unknown as { 'dry-run'?: boolean };
        print(await withApp((app) => app.services.deletion.purge({ dryRun: o['dry-run'] === true })));
        return 0;
      }
      case 'mail': {
        if (sub !== 'list') throw new UsageError(`unknown command "mail ${sub ?? ''}"`.trim());
        const limit = listLimit(rest);
        const config = loadConfig(undefined, {}, { logLevel: 'warn' });
        if (config.smtpUrl) throw new UsageError('SMTP_URL is set: mail goes to that server, not to files');
        print(listStoredMail(config.mailDir, limit));
        return 0;
      }
      case 'sms': {
        if (sub !== 'list') throw new UsageError(`unknown command "sms ${sub ?? ''}"`.trim());
        const limit = listLimit(rest);
        const config = loadConfig(undefined, {}, { logLevel: 'warn' });
        if (config.smsUrl) throw new UsageError('SMS_URL is set: text messages go to that gateway, not to files');
        print(listStoredSms(config.smsDir, limit));
        return 0;
      }
      case 'notify': {
        const o = options(argv.slice(1), { event: { type: 'string', required: true }, text: { type: 'string', required: true }, subject: { type: 'string' }, profile: { type: 'string' }, org: { type: 'string' } });
        print(await withApp((app) => app.services.notifications.emitInOrg(o['org'] ?? 'default', { event: o['event']!, text: o['text']!, subject: o['subject'] ?? null, profileId: o['profile'] ?? null })));
        return 0;
      }
      case 'webhook': {
        const hooks = (app: Awaited<ReturnType<typeof createApp>>) => app.services.webhooks;
        if (sub === 'create') {
          const o = options(rest, { url: { type: 'string', required: true }, event: { type: 'string', multiple: true } }) as unknown as { url: string; event?: string[] };
          print(await withApp((app) => hooks(app).createEndpoint({ url: o.url, events: o.event ?? [] })));
        } else if (sub === 'list') {
          options(rest, {});
          print(await withApp((app) => hooks(app).listEndpoints()));
        } else if (sub === 'messages') {
          options(rest, {});
          print(await withApp((app) => hooks(app).messages()));
        } else if (sub === 'deliveries') {
          const o = options(rest, { endpoint: { type: 'string' } });
          print(await withApp((app) => hooks(app).deliveries(o['endpoint'] ? { endpointId: o['endpoint'] } : {})));
        } else if (sub === 'replay') {
          const o = options(rest, { id: { type: 'string', required: true } });
          const id = Number(o['id']);
          if (!Number.isInteger(id) || id < 1) throw new UsageError('--id must be an outbox message id (see webhook messages)');
          print(await withApp((app) => hooks(app).replay(id)));
        } else throw new UsageError(`unknown command "webhook ${sub ?? ''}"`.trim());
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`profiled: ${err.message} (see profiled --help)\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`profiled: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ProfiledError) {
      const detail = err.issues.length ? err.issues.map((i) => `${i.field}: ${i.message}`).join('; ') : err.message;
      process.stderr.write(`profiled: ${detail} [${err.code}]\n`);
      return 1;
    }
    process.stderr.write(`profiled: ${(err as Error).message}\n`);
    return 1;
  }
}
