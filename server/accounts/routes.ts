import { endpoints } from '../../common/contract/endpoints';
import { route, type ApiInstance } from '../http/route-types';
import type { ActivationService } from './activation';
import type { SignupService } from './signup';

export function accountRoutes(app: ApiInstance, signup: SignupService, activation: ActivationService): void {
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
}
