import type { Dialect } from '../port.ts';
import { renderNexudusError } from './envelope.ts';
import { coworkerWireName } from './fields.ts';
import { coworkerRoutes } from './routes-coworkers.ts';
import { profileRoutes } from './routes-profile.ts';

/**
 * Nexudus' customer (coworker) profile: PascalCase fields in six sections, every action
 * answered with an `ActionConfirmation`, throttling as 409. Its paths span `/api/public`,
 * `/login` and language-prefixed portal paths, so it mounts without a prefix.
 */
export const nexudusDialect: Dialect = {
  name: 'nexudus',
  description: 'Nexudus (`/api/public/coworker/profile` and related): PascalCase fields, the `ActionConfirmation` envelope, numeric country ids, comma-separated tags, throttling as 409.',
  routes(scope, ctx) {
    profileRoutes(scope, ctx);
    coworkerRoutes(scope, ctx);
  },
  renderError: (error, request) => renderNexudusError(error, request, coworkerWireName),
};
