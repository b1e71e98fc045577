import { z } from 'zod';
import {
  addFactorRequest,
  addFactorResponse,
  challengeRequest,
  challengeResponse,
  devicesResponse,
  loginVerifyRequest,
  loginVerifyResponse,
  mfaResetRequestBody,
  mfaResetRequested,
  resendResponse,
  stepUpVerified,
  stepUpVerifyRequest,
  verifyFactorRequest,
  verifyFactorResponse,
} from '../../common/contract/http';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { ApiError } from '../http/api-error';
import { errorResponses, type ApiInstance } from '../http/route-types';
import type { MfaLogin } from '../login/mfa-login';
import type { Sessions } from '../login/sessions';
import type { FactorManagement } from './factor-management';
import type { StepUp } from './step-up';
import type { TrustedDevices } from './trusted-devices';

const bearer = [{ bearer: [] }];
const idParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const loginParams = z.object({ loginId: idParam });
const factorParams = z.object({ id: idParam });

export interface MfaServices {
  login: MfaLogin;
  factors: FactorManagement;
  stepUp: StepUp;
  devices: TrustedDevices;
  sessions: Sessions;
}

export function mfaRoutes(app: ApiInstance, ctx: ServerContext, s: MfaServices): void {
  const anySession = requireSession(s.sessions, { allowEnrollment: true });
  const fullSession = requireSession(s.sessions);

  app.post(
    '/v1/login/:loginId/challenge',
    {
      schema: {
        tags: ['login'],
        summary: 'Choose a factor for this login; email and SMS factors get a code sent',
        params: loginParams,
        body: challengeRequest,
        response: { 200: challengeResponse, ...errorResponses(400, 404, 410, 429) },
      },
    },
    async (request) => s.login.challenge(request.params.loginId, request.body.factorId, request.ip),
  );

  app.post(
    '/v1/login/:loginId/verify',
    {
      schema: {
        tags: ['login'],
        summary: 'Verify the code of the chosen factor; optionally trust this computer for a week',
        params: loginParams,
        body: loginVerifyRequest,
        response: { 200: loginVerifyResponse, ...errorResponses(400, 401, 404, 410, 429) },
      },
    },
    async (request) => s.login.verify(request.params.loginId, request.body, request.ip),
  );

  app.post(
    '/v1/login/:loginId/mfa-reset-request',
    {
      schema: {
        tags: ['login'],
        summary: 'No factor at hand: ask support to reset MFA, with a reason',
        params: loginParams,
        body: mfaResetRequestBody,
        response: { 202: mfaResetRequested, ...errorResponses(400, 404, 410, 429) },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await s.login.requestReset(request.params.loginId, request.body.reason, request.ip)),
  );

  app.post(
    '/v1/me/step-up',
    {
      preHandler: fullSession,
      schema: {
        tags: ['me'],
        summary: 'Start proving a factor again before changing factors',
        security: bearer,
        body: challengeRequest,
        response: { 200: challengeResponse, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => s.stepUp.challenge(sessionOf(request), request.body.factorId, request.ip),
  );

  app.post(
    '/v1/me/step-up/verify',
    {
      preHandler: fullSession,
      schema: {
        tags: ['me'],
        summary: 'Verify the step-up code: the session may change factors for 10 minutes',
        security: bearer,
        body: stepUpVerifyRequest,
        response: { 200: stepUpVerified, ...errorResponses(400, 401, 403, 404, 410, 429) },
      },
    },
    async (request) =>
      s.stepUp.verify(sessionOf(request), request.body.factorId, request.body.code, request.ip),
  );

  app.post(
    '/v1/me/factors',
    {
      preHandler: anySession,
      schema: {
        tags: ['me'],
        summary: 'Add a factor (pending until its first code), or a new set of recovery codes',
        security: bearer,
        body: addFactorRequest,
        response: { 201: addFactorResponse, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.factors.add(sessionOf(request), request.body, request.ip)),
  );

  app.post(
    '/v1/me/factors/:id/verify',
    {
      preHandler: anySession,
      schema: {
        tags: ['me'],
        summary: 'Confirm a pending factor with its first code; the first one ends enrollment',
        security: bearer,
        params: factorParams,
        body: verifyFactorRequest,
        response: { 200: verifyFactorResponse, ...errorResponses(400, 401, 404, 410, 429) },
      },
    },
    async (request) => s.factors.verify(sessionOf(request), request.params.id, request.body.code, request.ip),
  );

  app.post(
    '/v1/me/factors/:id/resend',
    {
      preHandler: anySession,
      schema: {
        tags: ['me'],
        summary: 'Send a new code to a pending email or SMS factor',
        security: bearer,
        params: factorParams,
        response: { 200: resendResponse, ...errorResponses(401, 404, 410, 429) },
      },
    },
    async (request) => s.factors.resend(sessionOf(request), request.params.id, request.ip),
  );

  app.delete(
    '/v1/me/factors/:id',
    {
      preHandler: fullSession,
      schema: {
        tags: ['me'],
        summary: 'Remove a factor (never the last email, SMS or authenticator factor)',
        security: bearer,
        params: factorParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await s.factors.remove(sessionOf(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/me/devices',
    {
      preHandler: fullSession,
      schema: {
        tags: ['me'],
        summary: 'Trusted computers of this account',
        security: bearer,
        response: { 200: devicesResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return s.devices.list(ctx.db, session.accountId, session.trustedDeviceId);
    },
  );

  app.delete(
    '/v1/me/devices/:id',
    {
      preHandler: fullSession,
      schema: {
        tags: ['me'],
        summary: 'Stop trusting one computer',
        security: bearer,
        params: factorParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (!(await s.devices.revoke(ctx.db, session.accountId, request.params.id, session.id)))
        throw new ApiError('not_found');
      await ctx.audit.record(ctx.db, {
        accountId: session.accountId,
        actor: 'user',
        action: 'mfa.device_revoked',
        detail: { deviceId: request.params.id },
        ip: request.ip,
      });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/me/devices',
    {
      preHandler: fullSession,
      schema: {
        tags: ['me'],
        summary: 'Stop trusting every computer',
        security: bearer,
        response: { 204: z.null(), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await s.devices.revokeAll(ctx.db, session.accountId, session.id);
      await ctx.audit.record(ctx.db, {
        accountId: session.accountId,
        actor: 'user',
        action: 'mfa.device_revoked',
        detail: { deviceId: 'all' },
        ip: request.ip,
      });
      return reply.status(204).send(null);
    },
  );
}
