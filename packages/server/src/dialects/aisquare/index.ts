import type { Dialect } from '../port.ts';
import { renderDrfError } from './errors.ts';
import { profileRoutes } from './routes.ts';

/**
 * AISquare Studio's IAM user profile (seed 004, an OpenAPI 3.1 document): a Django REST
 * framework API, so DRF's conventions throughout — error bodies keyed by field, `{"detail"}`
 * otherwise, read-only and unknown properties ignored, simplejwt's token errors.
 */
export const aisquareDialect: Dialect = {
  name: 'aisquare',
  prefix: '/api/v1',
  description: 'AISquare Studio: PATCH /api/v1/iam/user/profile/ with nested details, IAMUserDetailView responses, Django REST framework errors.',
  routes(scope, ctx) {
    profileRoutes(scope, ctx);
  },
  renderError: renderDrfError,
};
