import type { Dialect } from '../port.ts';
import { renderZitadelError } from './errors.ts';
import { nativeStatus, zitadelRoutes, zitadelWireName } from './routes.ts';

/** ZITADEL's auth API v1: the authenticated user's own profile, gRPC-gateway errors. */
export const zitadelDialect: Dialect = {
  name: 'zitadel',
  prefix: '/auth/v1',
  description: 'ZITADEL auth API v1 (`/auth/v1/users/me/profile`): camelCase fields, GENDER_* constants, `details.sequence` is the profile version, errors as gRPC-gateway `{code, message, details}`.',
  routes: zitadelRoutes,
  renderError: (error) => renderZitadelError(error, zitadelWireName, nativeStatus(error.code)),
};
