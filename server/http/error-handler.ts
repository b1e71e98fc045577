import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from './api-error';
import { isDatabaseUnavailable } from '../db/errors';
import type { ApiInstance } from './route-types';

/**
 * One place turns every failure into the contract's error body. Clients never see a stack, a driver
 * message or a 5xx for bad input; a database outage is a 503 they can retry.
 */
export function installErrorHandling(app: ApiInstance): void {
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send(new ApiError('not_found').toBody());
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.code === 'service_unavailable') {
      // Expected while the database is away: one short line per request, not a stack trace each.
      request.log.warn({ reason: error.message }, 'request refused: service unavailable');
    } else if (apiError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    if (apiError.extras.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(apiError.extras.retryAfterSeconds));
    }
    void reply.status(apiError.status).send(apiError.toBody());
  });
}

/**
 * Errors Fastify raises before routing (a URL that is not valid percent-encoding, a path parameter over
 * the length limit) bypass the error handler; the `frameworkErrors` option sends them here instead.
 */
export function answerFrameworkError(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const apiError = toApiError(error);
  void reply.status(apiError.status).send(apiError.toBody());
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const issue of error.validation) {
      const params = issue.params as { issue?: { path?: PropertyKey[]; message?: string } } | undefined;
      const path =
        params?.issue?.path?.map(String).join('.') ||
        issue.instancePath.replace(/^\//, '').replace(/\//g, '.') ||
        'body';
      fields[path] ??= fieldReason(issue.message, params?.issue?.message);
    }
    return new ApiError('validation_failed', { fields });
  }
  if (isDatabaseUnavailable(error)) return new ApiError('service_unavailable', { retryAfterSeconds: 5 });
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('validation_failed', { fields: { body: 'invalid_length' } });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('validation_failed', { fields: { body: 'invalid_json' } });
    case 'FST_ERR_BAD_URL':
      return new ApiError('validation_failed', { fields: { url: 'invalid' } });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError('not_found');
  }
  if (error.statusCode === 400 || error instanceof SyntaxError) {
    return new ApiError('validation_failed', { fields: { body: 'invalid_json' } });
  }
  if (error.statusCode === 413) return new ApiError('payload_too_large');
  if (error.statusCode === 415) return new ApiError('unsupported_media_type');
  return new ApiError('internal_error');
}

/** Zod's own messages are English sentences; the contract gives clients a short reason code per field. */
function fieldReason(...messages: (string | undefined)[]): string {
  for (const message of messages) {
    if (message && /^[a-z_]+$/.test(message)) return message;
  }
  const text = messages.find(Boolean) ?? '';
  if (/expected .*, received undefined/i.test(text) || /required/i.test(text)) return 'required';
  if (/too big|too long/i.test(text)) return 'too_long';
  if (/too small|too short/i.test(text)) return 'required';
  return 'invalid';
}
