import { endpoints } from '../../common/contract/endpoints';
import { requireSession, sessionOf } from '../http/auth';
import { route, type ApiInstance } from '../http/route-types';
import type { Sessions } from '../sessions/sessions';
import type { AccountChanges } from './account-changes';
import type { AccountDeletion } from './account-deletion';
import type { PasswordResets } from './password-reset';

/** docs/api.md "Account lifecycle": forgot password, profile, password, address, deletion. */
export function lifecycleRoutes(
  app: ApiInstance,
  s: { resets: PasswordResets; changes: AccountChanges; deletion: AccountDeletion; sessions: Sessions },
): void {
  const { resets, changes, deletion } = s;
  const session = requireSession(s.sessions);

  route(app, endpoints.requestPasswordReset, [], async (request) => {
    await resets.request(request.body.email, request.ip);
    return { status: 'reset_sent' as const };
  });
  route(app, endpoints.verifyPasswordReset, [], async (request) => resets.verify(request.body.token));
  route(app, endpoints.passwordResetChallenge, [], async (request) =>
    resets.challenge(request.params.resetId, request.body.factorId, request.ip),
  );
  route(app, endpoints.passwordResetVerifyFactor, [], async (request) => {
    await resets.verifyFactor(request.params.resetId, request.body.factorId, request.body.code, request.ip);
    return { verified: true as const };
  });
  route(app, endpoints.completePasswordReset, [], async (request) => {
    await resets.complete(request.params.resetId, request.body.password, request.ip);
  });

  route(app, endpoints.updateMe, [session], async (request) =>
    changes.updateProfile(sessionOf(request), request.body),
  );
  route(app, endpoints.changePassword, [session], async (request) => {
    const { currentPassword, newPassword } = request.body;
    await changes.changePassword(sessionOf(request), currentPassword, newPassword, request.ip);
  });
  route(app, endpoints.changeEmail, [session], async (request) => {
    await changes.requestEmailChange(
      sessionOf(request),
      request.body.newEmail,
      request.body.password,
      request.ip,
    );
    return { status: 'verification_sent' as const };
  });
  route(app, endpoints.confirmEmailChange, [], async (request) =>
    changes.confirmEmailChange(request.body.token, request.ip),
  );
  route(app, endpoints.deleteAccount, [session], async (request) => {
    await deletion.deleteOwn(sessionOf(request), request.body.password, request.ip);
  });
}
