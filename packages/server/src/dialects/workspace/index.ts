import type { Dialect } from '../port.ts';
import { renderWorkspaceError } from './envelope.ts';
import { workspaceRoutes, workspaceWireName } from './routes.ts';

/** The workspace account API: `{Data, Errors, Warnings, Success}`, `access_token` in the query. */
export const workspaceDialect: Dialect = {
  name: 'workspace',
  description: 'Workspace account API (`/api/workspace/account/profile`): PascalCase fields, the `{Data, Errors, Warnings, Success}` envelope, service accounts refused with an RFC 7807 403.',
  routes: workspaceRoutes,
  renderError: (error, request) => renderWorkspaceError(error, request, workspaceWireName),
};
