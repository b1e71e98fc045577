import { endpoints } from '../../common/contract/endpoints';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { route, type ApiInstance } from '../http/route-types';
import type { Sessions } from '../sessions/sessions';
import type { ActivationService } from './activation';
import { myDetails } from './me';
import type { SignupService } from './signup';

/** The account itself: signup, activation, and the signed-in account's details. */
export function accountRoutes(
  app: ApiInstance,
  ctx: ServerContext,
  s: { signup: SignupService; activation: ActivationService; sessions: Sessions },
): void {
  const { signup, activation } = s;
  route(app, endpoints.signup, [], async (request) => {
    await signup.signup(request.body, request.ip);
    return { status: 'activation_sent' as const };
  });

  route(app, endpoints.activate, [], async (request) => {
    await activation.activate(request.body.token, request.body.password, request.ip);
    return { status: 'activated' as const };
  });

  route(app, endpoints.resendActivation, [], async (request) => {
    await activation.resend(request.body.email, request.ip);
    return { status: 'activation_sent' as const };
  });

  route(app, endpoints.me, [requireSession(s.sessions, { allowEnrollment: true })], async (request) =>
    myDetails(ctx.db, sessionOf(request)),
  );
}
