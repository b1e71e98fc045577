import type { FastifyRequest } from 'fastify';
import type { ApiInstance } from './route-types';
import type { LoggerOptions } from 'pino';

/**
 * Logs never carry a password, token, code or secret (STYLE.md 8). Bodies are not logged at all; what
 * could still leak (headers, query strings such as ?token=) is redacted here, in one place.
 */
// The login portal's too: the desktop hand-off ticket, an ID token given as a hint (docs/security.md 51).
export const secretQueryParameters =
  /([?&](?:token|code|deviceToken|secret|ticket|id_token_hint|client_secret|refresh_token|access_token)=)[^&#]*/gi;

// A loginId stands for a checked password: it is half a credential, so it stays out of logs too.
const loginIdInPath = /(\/v1\/login\/)[^/?#]+/g;
// A resetId stands for a mailed reset link (docs/api.md "Account lifecycle"): the same.
const resetIdInPath = /(\/v1\/password-reset\/)[^/?#]+(?=\/)/g;

export function redactUrl(url: string): string {
  return url
    .replace(secretQueryParameters, '$1[redacted]')
    .replace(loginIdInPath, '$1[redacted]')
    .replace(resetIdInPath, '$1[redacted]');
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.deviceToken',
        '*.code',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

/**
 * One "request completed" line per request at info (method, redacted URL, client address, status,
 * time); the "incoming request" line only at debug, for following a request that hangs.
 */
export function logRequests(app: ApiInstance): void {
  // A hook that does nothing at info still costs a call per request: only at debug is it added.
  if (app.log.isLevelEnabled('debug')) {
    app.addHook('onRequest', async (request) => {
      request.log.debug({ req: request }, 'incoming request');
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    );
  });
}
