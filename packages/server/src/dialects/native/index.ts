import type { Dialect } from '../port.ts';
import { renderProblem } from './problem.ts';
import { accountRoutes } from './routes-account.ts';
import { notificationRoutes } from './routes-notifications.ts';
import { adminRoutes } from './routes-admin.ts';
import { directoryRoutes } from './routes-directory.ts';
import { summaryRoutes } from './routes-summary.ts';
import { followRoutes } from './routes-follows.ts';
import { meRoutes } from './routes-me.ts';
import { publicRoutes } from './routes-public.ts';
import { recoveryRoutes } from './routes-recovery.ts';
import { invitationRoutes } from './routes-invitations.ts';
import { uploadRoutes } from './routes-uploads.ts';
import { mfaRoutes } from './routes-mfa.ts';
import { sessionRoutes } from './routes-sessions.ts';
import { passkeyRoutes } from './routes-passkeys.ts';

/** Profiled's own API: canonical names, JSON merge patch, ETags, RFC 9457 problems. */
export const nativeDialect: Dialect = {
  name: 'native',
  prefix: '/v1',
  description: "Profiled's native API: canonical snake_case fields, JSON merge patch, ETag/If-Match, RFC 9457 problem details.",
  async routes(scope, ctx) {
    meRoutes(scope, ctx);
    accountRoutes(scope, ctx);
    publicRoutes(scope, ctx);
    followRoutes(scope, ctx);
    directoryRoutes(scope, ctx);
    summaryRoutes(scope, ctx);
    adminRoutes(scope, ctx);
    notificationRoutes(scope, ctx);
    invitationRoutes(scope, ctx);
    recoveryRoutes(scope, ctx);
    await uploadRoutes(scope, ctx);
    mfaRoutes(scope, ctx);
    sessionRoutes(scope, ctx);
    passkeyRoutes(scope, ctx);
  },
  renderError: renderProblem,
};
