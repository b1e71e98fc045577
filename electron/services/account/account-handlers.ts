import type { AnyErrorCode } from '../../../common/contract/errors';
import { tokenFromPastedLink } from '../../../common/domain/mail-links';
import type { IpcResponse } from '../../../common/contract/ipc';
import type { AccountHandlers } from '../authenticator/handlers';
import { DesktopError } from '../desktop-error';
import type { SessionHolder } from '../session-holder';
import type { SettingsStore } from '../settings';
import type { ServerConnection } from './server-connection';
import type { LifecycleChannel } from './lifecycle-handlers';
import { isKeychainError, type TrustedComputer } from './trusted-computer';

type AccountChannel = Exclude<
  keyof AccountHandlers,
  | 'app.status'
  | 'server.info'
  | 'settings.get'
  | 'settings.update'
  | `login.${string}`
  | `password.${string}`
  | LifecycleChannel
  | `apps.${string}`
>;

export interface AccountDeps {
  server: ServerConnection;
  session: SessionHolder;
  trusted: TrustedComputer;
  settings: SettingsStore;
}

/**
 * A link as pasted from a mail (http(s)://…/<action>?token=…, wem-account://<action>?token=…) or the
 * bare token -> the token; anything else that looks like a link is `invalid`.
 */
export function linkTokenFrom(input: string, action: string, invalid: AnyErrorCode): string {
  const token = tokenFromPastedLink(input, action);
  if (token === undefined) throw new DesktopError(invalid);
  return token;
}

/** An activation link as pasted from the mail, or the bare token -> the token. */
export function activationTokenFrom(input: string): string {
  return linkTokenFrom(input, 'activate', 'activation_invalid');
}

/**
 * The account: signup and activation, sign-out, the profile, factors, step-up and trusted devices.
 * Every call with a session goes through the SessionHolder, which keeps the token (docs/security.md 22).
 */
export function accountHandlers(deps: AccountDeps): Pick<AccountHandlers, AccountChannel> {
  const { server, session, trusted, settings } = deps;
  const client = () => server.client;

  return {
    'signup.create': async ({ acceptTerms, ...request }) => {
      if (!acceptTerms)
        throw new DesktopError('validation_failed', { fields: { acceptTerms: 'must_accept' } });
      return client().signup({ ...request, acceptTerms });
    },
    'signup.resendActivation': (request) => client().resendActivation(request.email),
    'activation.activate': ({ input, password }) => client().activate(activationTokenFrom(input), password),

    'session.logout': async () => {
      const current = session.current;
      const email = current?.email ?? settings.read().lastEmail;
      const serverUrl = server.serverUrl;
      let keychainError: DesktopError | undefined;
      let deviceToken: string | undefined;
      if (email) {
        try {
          deviceToken = await trusted.store.get(serverUrl, email);
        } catch (error) {
          if (!isKeychainError(error)) throw error;
          keychainError = error;
        }
      }
      if (current) {
        // Offline or already ended on the server: still forget everything here (rule 5).
        const ending = client();
        await session
          .use((token) => ending.logout(token, deviceToken), { quiet: true })
          .catch(() => undefined);
      }
      session.clear();
      if (email && !keychainError) {
        try {
          await trusted.store.forget(serverUrl, email);
        } catch (error) {
          if (!isKeychainError(error)) throw error;
          keychainError = error;
        }
      }
      // Signed out either way; the keychain's message tells the user this computer may still be trusted.
      if (keychainError) throw keychainError;
      return {};
    },

    'me.get': () =>
      session.use(async (token) => {
        const me = await client().me(token);
        session.remember(token, { me });
        return me;
      }),

    'me.cached': async (): Promise<IpcResponse<'me.cached'>> => {
      const snapshot = session.snapshot;
      return snapshot?.me
        ? { me: snapshot.me, devices: snapshot.devices ?? null, savedAt: snapshot.savedAt }
        : null;
    },

    'factors.add': (request) => session.use((token) => client().addFactor(token, request)),

    'factors.verify': async ({ factorId, code }) => {
      const answer = await session.use((token) => client().verifyFactor(token, factorId, code));
      if (answer.session) session.replace(answer.session);
      return { factor: answer.factor, enrollmentComplete: answer.session?.scope === 'full' };
    },

    'factors.resend': ({ factorId }) => session.use((token) => client().resendFactor(token, factorId)),

    'factors.remove': async ({ factorId }) => {
      await session.use((token) => client().removeFactor(token, factorId));
      return {};
    },

    'stepUp.challenge': ({ factorId }) => session.use((token) => client().stepUp(token, factorId)),

    'stepUp.verify': ({ factorId, code }) =>
      session.use((token) => client().verifyStepUp(token, factorId, code)),

    'devices.list': () =>
      session.use(async (token) => {
        const devices = await client().devices(token);
        session.remember(token, { devices });
        return devices;
      }),

    'devices.revoke': async ({ deviceId }) => {
      await session.use((token) => client().revokeDevice(token, deviceId));
      return {};
    },

    'devices.revokeAll': async () => {
      const { email } = session.require();
      await session.use((token) => client().revokeAllDevices(token));
      // This computer was one of them: its token is worthless now.
      await trusted.forget(server.serverUrl, email);
      return {};
    },
  };
}
