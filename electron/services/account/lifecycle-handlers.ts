import { tidyEmail } from '../../../common/domain/email';
import type { IpcHandler } from '../ipc-router';
import type { SessionHolder } from '../session-holder';
import type { SettingsStore } from '../settings';
import { linkTokenFrom } from './account-handlers';
import type { ResetInProgress } from './pending-reset';
import type { ServerConnection } from './server-connection';
import { isKeychainError, type TrustedComputer } from './trusted-computer';

export type LifecycleChannel =
  | 'password.forgot'
  | 'password.openReset'
  | 'password.challenge'
  | 'password.verify'
  | 'password.completeReset'
  | 'password.cancelReset'
  | 'me.update'
  | 'me.changePassword'
  | 'me.changeEmail'
  | 'me.confirmEmail'
  | 'me.delete';

export interface LifecycleDeps {
  server: ServerConnection;
  session: SessionHolder;
  trusted: TrustedComputer;
  settings: SettingsStore;
  reset: ResetInProgress;
}

/**
 * The account's lifecycle (docs/api.md "Account lifecycle"): forgot password with its factor step,
 * the profile, password and address changes, and deleting the account. The resetId and every link
 * token stay here; the renderer gets only what the screens show (docs/security.md 73).
 */
export function lifecycleHandlers(deps: LifecycleDeps): { [C in LifecycleChannel]: IpcHandler<C> } {
  const { server, session, trusted, settings, reset } = deps;
  const client = () => server.client;
  const current = () => reset.require(server.serverUrl);
  const endOn = (error: unknown) => reset.endOn(error);

  return {
    'password.forgot': ({ email }) => client().requestPasswordReset(email),

    'password.openReset': async ({ input }) => {
      const token = linkTokenFrom(input, 'reset-password', 'reset_invalid');
      reset.cancel();
      const serverUrl = server.serverUrl;
      const started = await client().verifyPasswordReset(token);
      reset.begin({ resetId: started.resetId, serverUrl });
      return { expiresAt: started.expiresAt, factors: started.factors };
    },

    'password.challenge': ({ factorId }) =>
      client().passwordResetChallenge(current().resetId, factorId).catch(endOn),

    'password.verify': ({ factorId, code }) =>
      client().passwordResetVerifyFactor(current().resetId, factorId, code).catch(endOn),

    'password.completeReset': async ({ password }) => {
      await client().completePasswordReset(current().resetId, password).catch(endOn);
      reset.cancel();
      // Every session and trusted computer of the account ended on the server; a session of this app
      // was one of them or belongs to someone who asked to reset another account from its sign-in.
      session.clear();
      return {};
    },

    'password.cancelReset': async () => {
      reset.cancel();
      return {};
    },

    'me.update': (request) =>
      session.use(async (token) => {
        const me = await client().updateMe(token, request);
        session.remember(token, { me });
        return me;
      }),

    'me.changePassword': async ({ currentPassword, newPassword }) => {
      const { email } = session.require();
      await session.use((token) => client().changePassword(token, currentPassword, newPassword));
      // Every trusted computer was revoked, this one too: its token is worthless now.
      await trusted.forget(server.serverUrl, email);
      return {};
    },

    'me.changeEmail': ({ newEmail, password }) =>
      session.use((token) => client().changeEmail(token, newEmail, password)),

    'me.confirmEmail': async ({ input }) => {
      const token = linkTokenFrom(input, 'confirm-email', 'email_change_invalid');
      const answer = await client().confirmEmailChange(token);
      await followRename(answer.email);
      return answer;
    },

    'me.delete': async ({ password }) => {
      const { email } = session.require();
      await session.use((token) => client().deleteAccount(token, password));
      session.clear();
      await trusted.forget(server.serverUrl, email);
      if (settings.read().lastEmail === tidyEmail(email)) settings.update({ lastEmail: null });
      return {};
    },
  };

  /**
   * A confirmed address of the signed-in account: the session, the remembered address and this
   * computer's trust follow it (the keychain keys trust by address). A confirmation for another
   * account (a link opened on someone else's computer) changes nothing here.
   */
  async function followRename(newEmail: string): Promise<void> {
    const before = session.current;
    if (!before) return;
    const me = await session.use((token) => client().me(token)).catch(() => undefined);
    if (!me || tidyEmail(me.email) !== tidyEmail(newEmail)) return;
    const serverUrl = server.serverUrl;
    session.renamed(me.email);
    if (settings.read().lastEmail === tidyEmail(before.email))
      settings.update({ lastEmail: tidyEmail(me.email) });
    try {
      const deviceToken = await trusted.store.get(serverUrl, before.email);
      if (deviceToken) {
        await trusted.store.save(serverUrl, me.email, deviceToken);
        await trusted.store.forget(serverUrl, before.email);
      }
    } catch (error) {
      if (!isKeychainError(error)) throw error;
    }
  }
}
