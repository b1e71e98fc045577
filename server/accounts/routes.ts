import {
  activatedResponse,
  activationRequest,
  activationResendRequest,
  activationSentResponse,
  signupRequest,
} from '../../common/contract/http';
import { errorResponses, type ApiInstance } from '../http/route-types';
import type { ActivationService } from './activation';
import type { SignupService } from './signup';

export function accountRoutes(app: ApiInstance, signup: SignupService, activation: ActivationService): void {
  app.post(
    '/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account; it stays inactive until the mailed link is used',
        body: signupRequest,
        response: { 202: activationSentResponse, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await signup.signup(request.body, request.ip);
      return reply.status(202).send({ status: 'activation_sent' });
    },
  );

  app.post(
    '/v1/activation',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Activate an account with the token from the mailed link (works once, expires)',
        body: activationRequest,
        response: { 200: activatedResponse, ...errorResponses(400, 409, 410) },
      },
    },
    async (request) => {
      await activation.activate(request.body.token, request.body.password, request.ip);
      return { status: 'activated' as const };
    },
  );

  app.post(
    '/v1/activation/resend',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Mail a new activation link (older links stop working); same answer for unknown addresses',
        body: activationResendRequest,
        response: { 202: activationSentResponse, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await activation.resend(request.body.email, request.ip);
      return reply.status(202).send({ status: 'activation_sent' });
    },
  );
}
