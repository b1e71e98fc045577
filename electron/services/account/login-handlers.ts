import { tidyEmail } from '../../../common/domain/email';
import type { IpcHandler } from '../ipc-router';
import type { SessionHolder } from '../session-holder';
import type { SettingsStore } from '../settings';
import type { LoginInProgress } from './pending-login';
import type { ServerConnection } from './server-connection';
import type { TrustedComputer } from './trusted-computer';

type LoginChannel =
  'login.start' | 'login.challenge' | 'login.requestMfaReset' | 'login.verify' | 'login.cancel';

export interface LoginDeps {
  server: ServerConnection;
  session: SessionHolder;
  trusted: TrustedComputer;
  settings: SettingsStore;
  login: LoginInProgress;
  /** This computer's name, for the account's list of trusted devices. */
  deviceName: string;
}

/** Sign-in: the password step, the factor step with its optional trust, a reset request, cancelling. */
export function loginHandlers(deps: LoginDeps): { [C in LoginChannel]: IpcHandler<C> } {
  const { server, session, trusted, settings, login } = deps;
  const deviceName = cleanDeviceName(deps.deviceName);
  const current = () => login.require(server.serverUrl);
  const endOn = (error: unknown) => login.endOn(error);

  return {
    'login.start': async ({ email, password }) => {
      const serverUrl = server.serverUrl;
      const deviceToken = await trusted.token(serverUrl, email);
      session.clear();
      login.cancel();
      const answer = await server.client.login({ email, password, ...(deviceToken ? { deviceToken } : {}) });
      settings.update({ lastEmail: tidyEmail(email) });
      switch (answer.state) {
        case 'authenticated':
          session.keep(answer.session, tidyEmail(email));
          return { state: 'authenticated', trustedComputer: deviceToken !== undefined };
        case 'mfa_required':
          // A token the server no longer honours (expired, revoked elsewhere) is only clutter.
          if (deviceToken) await trusted.forget(serverUrl, email);
          login.begin({ loginId: answer.loginId, email: tidyEmail(email), serverUrl });
          return { state: 'mfa_required', expiresAt: answer.expiresAt, factors: answer.factors };
        case 'mfa_enrollment_required':
          session.keep(answer.session, tidyEmail(email));
          return { state: 'mfa_enrollment_required' };
      }
    },

    'login.challenge': ({ factorId }) => server.client.challenge(current().loginId, factorId).catch(endOn),

    'login.requestMfaReset': ({ reason }) =>
      server.client.requestMfaReset(current().loginId, reason).catch(endOn),

    'login.verify': async ({ factorId, code, trustDevice }) => {
      const pending = current();
      const client = server.client;
      // Ask the keychain before the server: a locked or missing keychain fails here, with its own
      // message, before a code is spent or a trusted device is issued that nothing could hold.
      if (trustDevice) await trusted.store.get(pending.serverUrl, pending.email);
      const answer = await client
        .verifyLogin(pending.loginId, { factorId, code, ...(trustDevice ? { trustDevice, deviceName } : {}) })
        .catch(endOn);
      login.cancel();
      if (answer.trustedDevice) {
        try {
          await trusted.store.save(pending.serverUrl, pending.email, answer.trustedDevice.token);
        } catch (error) {
          // The keychain went away in between: revoke the device nobody can use, keep nothing.
          const issued = answer.trustedDevice.id;
          await client.revokeDevice(answer.session.token, issued).catch(() => undefined);
          await client.logout(answer.session.token).catch(() => undefined);
          throw error;
        }
      }
      session.keep(answer.session, pending.email);
      return { state: 'authenticated', trustedComputer: answer.trustedDevice !== undefined };
    },

    // The API has no call to end a login early; it expires there on its own (docs/api.md).
    'login.cancel': async () => {
      login.cancel();
      return {};
    },
  };
}

/** The computer's name as the API accepts it: printable, at most 100 characters. */
function cleanDeviceName(name: string): string {
  const clean = [...name.replace(/[\p{C}]/gu, ' ').trim()].slice(0, 100).join('').trim();
  return clean || 'Computer';
}
