import type { CompiledRegistry, ProfiledError } from '@profiled/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Principal, Services } from '../service/index.ts';

/** How a dialect answers an error: status, extra headers, body and its content type. */
export interface RenderedError {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the HTTP layer hands every dialect. Dialects see services, never storage or auth internals. */
export interface DialectContext {
  readonly services: Services;
  readonly registry: CompiledRegistry;
  /** Establishes `request.principal` from the bearer credential, or throws. */
  readonly authenticate: preHandlerAsyncHookHandler;
  /** Like `authenticate`, and refuses API keys: self-service endpoints are for people. */
  readonly authenticateSelf: preHandlerAsyncHookHandler;
  readonly now: () => Date;
}

/**
 * A dialect: one folder that maps a wire contract onto the services. It registers its
 * routes into its own encapsulated scope and renders every error there through
 * `renderError`, so even a malformed body or a missing route answers in its envelope.
 */
export interface Dialect {
  readonly name: string;
  /** The URL prefix its routes (and its not-found handler) live under, if it has one. */
  readonly prefix?: string;
  /** A line for the OpenAPI tag. */
  readonly description: string;
  routes(scope: FastifyInstance, ctx: DialectContext): void | Promise<void>;
  renderError(error: ProfiledError, request: FastifyRequest): RenderedError;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route takes its body as bytes whatever its content type says (an upload): no text check, no text parser. */
    rawBytes?: boolean;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing its authenticate preHandler');
  return request.principal;
}

export type { FastifyInstance, FastifyReply, FastifyRequest };
