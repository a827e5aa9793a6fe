import type { CompiledRegistry } from '@profiled/core';
import type { ProfileView } from '../../service/index.ts';
import type { FastifyReply } from '../port.ts';
import { projection } from '../support.ts';
import { etagOf } from './etag.ts';

/** Answers the owner's profile as `GET /v1/me/profile` does: the readable fields, what waits for a code, the version as ETag. */
export function ownProfileSender(registry: CompiledRegistry) {
  const project = projection(registry.readableFields);
  return (reply: FastifyReply, view: ProfileView) => {
    const body: Record<string, unknown> = project(view.values);
    body['pending_changes'] = view.pending ?? [];
    return reply.header('etag', etagOf(view.version)).header('cache-control', 'private, no-cache').send(body);
  };
}
