import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { errorStatusesOf, type Endpoint } from '../../common/contract/endpoints';
import { errorBody } from '../../common/contract/http';

export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger,
  ZodTypeProvider
>;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A check before the handler (a session, a role): it throws an ApiError to refuse. */
export type PreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** A request that passed the endpoint's params, querystring and body schemas. */
export interface EndpointRequest<E extends Endpoint> extends FastifyRequest {
  params: Parsed<E['params']>;
  query: Parsed<E['querystring']>;
  body: Parsed<E['body']>;
}

/** What the handler answers: the success body, which the endpoint's status and schema send. */
export type EndpointHandler<E extends Endpoint> = (
  request: EndpointRequest<E>,
) => Promise<E['status'] extends 204 ? void : z.input<E['response']>>;

/**
 * Registers the route of a catalogue endpoint (common/contract/endpoints.ts): its path, schemas, success
 * status and error responses all come from the catalogue, so a route file holds only the behaviour.
 * `preHandlers` enforce the endpoint's access; an endpoint that needs a session cannot go without one.
 */
export function route<E extends Endpoint>(
  app: ApiInstance,
  endpoint: E,
  preHandlers: PreHandler[],
  handler: EndpointHandler<NoInfer<E>>,
): void {
  if (endpoint.access !== 'public' && preHandlers.length === 0)
    throw new Error(`${endpoint.method} ${endpoint.path} needs a session check`);
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    preHandler: preHandlers,
    schema: {
      tags: [...endpoint.tags],
      summary: endpoint.summary,
      ...(endpoint.description ? { description: endpoint.description } : {}),
      ...(endpoint.access === 'public' ? {} : { security: [{ bearer: [] }] }),
      ...(endpoint.params ? { params: endpoint.params } : {}),
      ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}),
      ...(endpoint.body ? { body: endpoint.body } : {}),
      response: { [endpoint.status]: endpoint.response, ...errorResponses(errorStatusesOf(endpoint)) },
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      // Fastify validated params, querystring and body with the endpoint's schemas before this runs.
      const answer = await handler(request as EndpointRequest<E>);
      return reply.status(endpoint.status).send(endpoint.status === 204 ? null : answer);
    },
  });
}

/** The error responses a route documents in /openapi.json, all with the contract's error body. */
function errorResponses(statuses: number[]): Record<number, typeof errorBody> {
  return Object.fromEntries(statuses.map((s) => [s, errorBody]));
}
