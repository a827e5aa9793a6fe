import type { Command } from './command.ts';
import { accountCommands } from './commands-accounts.ts';
import { inviteCommands } from './commands-invite.ts';
import { clientCommands } from './commands-clients.ts';
import { deliveryCommands } from './commands-delivery.ts';
import { importCommands } from './commands-import.ts';
import { lifecycleCommands } from './commands-lifecycle.ts';
import { serverCommands } from './commands-server.ts';
import { vocabCommands } from './commands-vocab.ts';
import { securityCommands } from './commands-security.ts';

/**
 * Every `profiled` command, in the order `profiled --help` lists them. Dispatch and every
 * level of help are derived from this table: to add a command, define it (defineCommand) in
 * the commands-*.ts file of its area and list it there; a new group also wants a line in
 * {@link groups}. test/cli-help.test.ts asks each listed command for its help.
 */
export const commands: readonly Command[] = [...serverCommands, ...accountCommands, ...securityCommands, ...inviteCommands, ...importCommands, ...clientCommands, ...vocabCommands, ...lifecycleCommands, ...deliveryCommands];

/** What each group of subcommands is about, for `profiled <group> --help`. */
export const groups: Readonly<Record<string, string>> = {
  org: 'Organizations (a location, space or workspace); a fresh database has one, "default".',
  user: 'Accounts: people, service accounts and administrators.',
  profile: 'Profiles: one per (account, org) membership.',
  apikey: 'API keys: they authenticate service accounts, sent as Authorization: Bearer <key>.',
  client: 'OpenID Connect clients of the authorization-code flow with PKCE.',
  vocab: 'The vocabularies of an org: skills (also technical interests), investment interests, profile tags.',
  mail: 'Mail of the file transport (MAIL_DIR), used when SMTP_URL is not set.',
  sms: 'Text messages of the file transport (SMS_DIR), used when SMS_URL is not set.',
  webhook: 'Change webhooks (Standard Webhooks): endpoints, the messages in the outbox, their deliveries.',
};
