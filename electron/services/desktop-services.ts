import { tidyEmail } from '../../common/domain/email';
import type { IpcEvent, IpcEventPayload, IpcResponse, SettingsView } from '../../common/contract/ipc';
import type { AuthenticatorPlatform } from './authenticator/capabilities';
import { createLocalAuthenticator, type AccountHandlers } from './authenticator/handlers';
import { IpcRouter } from './ipc-router';
import { DesktopError } from './desktop-error';
import { PortalClient } from './portal-client';
import type { SecretStore } from './secret-store';
import { SessionHolder } from './session-holder';
import type { Settings, SettingsStore } from './settings';
import { TrustedDeviceStore } from './trusted-device-store';

/**
 * The desktop app's composition root below Electron: settings, keychain, session and the account API
 * client wired into one handler per IPC channel. Main (ipcMain), the web host (WebSocket) and tests all
 * drive the same router. Tokens stay here: no reply carries the session token, the trusted-device
 * token or a loginId (docs/security.md 22).
 */

export interface DesktopServicesOptions {
  settings: SettingsStore;
  secrets: SecretStore;
  version: string;
  /** This computer's name, shown in the account's list of trusted devices. */
  deviceName: string;
  onEvent: <E extends IpcEvent>(event: E, payload: IpcEventPayload<E>) => void;
  /** Errors no handler expected (a bug): main logs them; the renderer only sees `app_error`. */
  onUnexpected?: (error: unknown, channel: string) => void;
  timeoutMs?: number;
  now?: () => number;
  /** The app's data folder (Electron's userData): the authenticator vault lives there. */
  dataDir?: string;
  /** Electron main's screen capture, dialogs and clipboard, for the authenticator. */
  authenticatorPlatform?: AuthenticatorPlatform;
}

export interface DesktopServices {
  router: IpcRouter;
  dispose(): void;
}

/** A password step that asked for a factor: kept in main, its loginId never reaches the renderer. */
interface PendingLogin {
  loginId: string;
  email: string;
  serverUrl: string;
}

/**
 * An activation link as pasted from the mail (http(s)://…/activate?token=…, wem-account://activate?token=…)
 * or the bare token -> the token.
 */
export function activationTokenFrom(input: string): string {
  const text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DesktopError('activation_invalid');
  }
  const isLink =
    ((url.protocol === 'https:' || url.protocol === 'http:') &&
      url.pathname.replace(/\/+$/, '').endsWith('/activate')) ||
    (url.protocol === 'wem-account:' &&
      (url.host === 'activate' || url.pathname.replace(/^\/+/, '') === 'activate'));
  const token = url.searchParams.get('token');
  if (!isLink || !token) throw new DesktopError('activation_invalid');
  return token;
}

function isKeychainError(error: unknown): error is DesktopError {
  return (
    error instanceof DesktopError &&
    (error.code === 'keychain_unavailable' || error.code === 'keychain_locked')
  );
}

/** The computer's name as the API accepts it: printable, at most 100 characters. */
function cleanDeviceName(name: string): string {
  const clean = [...name.replace(/[\p{C}]/gu, ' ').trim()].slice(0, 100).join('').trim();
  return clean || 'Computer';
}

export function createDesktopServices(options: DesktopServicesOptions): DesktopServices {
  const { settings, version, onEvent } = options;
  const devices = new TrustedDeviceStore(options.secrets);
  const session = new SessionHolder(options.now);
  const deviceName = cleanDeviceName(options.deviceName);
  let online = true;
  let pending: PendingLogin | undefined;
  let disposed = false;

  const stopSessionEvents = session.onSessionEnded((reason) => {
    if (!disposed) onEvent('sessionEnded', { reason });
  });

  function clientFor(serverUrl: string): PortalClient {
    return new PortalClient({
      serverUrl,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      onConnectivity: (now) => {
        online = now;
        if (!disposed) onEvent('connectivity', { online: now });
      },
    });
  }
  let client = clientFor(settings.read().serverUrl);

  function view(current: Settings): SettingsView {
    return {
      serverUrl: current.serverUrl,
      lastEmail: current.lastEmail,
      language: current.language,
      theme: current.theme,
    };
  }

  function requirePending(): PendingLogin {
    if (!pending || pending.serverUrl !== client.serverUrl) throw new DesktopError('no_login_in_progress');
    return pending;
  }

  /** Codes after which the server has forgotten the login: asking again needs a new password step. */
  function dropPendingOn(error: unknown): never {
    if (
      error instanceof DesktopError &&
      ['login_expired', 'login_not_found', 'too_many_attempts'].includes(error.code)
    )
      pending = undefined;
    throw error;
  }

  /** The keychain's token, or nothing when there is none or the keychain cannot be read (rule 25). */
  async function storedDeviceToken(serverUrl: string, email: string): Promise<string | undefined> {
    try {
      return await devices.get(serverUrl, email);
    } catch (error) {
      if (isKeychainError(error)) return undefined;
      throw error;
    }
  }

  async function forgetDevice(serverUrl: string, email: string): Promise<void> {
    try {
      await devices.forget(serverUrl, email);
    } catch (error) {
      if (!isKeychainError(error)) throw error;
    }
  }

  const handlers: AccountHandlers = {
    'app.status': async () => {
      const current = session.current;
      return {
        version,
        serverUrl: client.serverUrl,
        online,
        signedIn: current !== undefined,
        scope: current?.scope ?? null,
        email: current?.email ?? null,
      };
    },

    'settings.get': async () => view(settings.read()),

    'settings.update': async (patch) => {
      const before = settings.read();
      const after = settings.update(patch);
      if (after.serverUrl !== before.serverUrl) {
        // Another server is another account world: end this session (best effort) and start clean.
        const old = client;
        if (session.current)
          await session.use((token) => old.logout(token), { quiet: true }).catch(() => undefined);
        session.clear();
        pending = undefined;
        client = clientFor(after.serverUrl);
      }
      return view(after);
    },

    'signup.create': async ({ acceptTerms, ...request }) => {
      if (!acceptTerms)
        throw new DesktopError('validation_failed', { fields: { acceptTerms: 'must_accept' } });
      return client.signup({ ...request, acceptTerms });
    },
    'signup.resendActivation': (request) => client.resendActivation(request.email),
    'activation.activate': ({ input, password }) => client.activate(activationTokenFrom(input), password),

    'login.start': async ({ email, password }) => {
      const serverUrl = client.serverUrl;
      const deviceToken = await storedDeviceToken(serverUrl, email);
      session.clear();
      pending = undefined;
      const answer = await client.login({ email, password, ...(deviceToken ? { deviceToken } : {}) });
      settings.update({ lastEmail: tidyEmail(email) });
      switch (answer.state) {
        case 'authenticated':
          session.keep(answer.session, tidyEmail(email));
          return { state: 'authenticated', trustedComputer: deviceToken !== undefined };
        case 'mfa_required':
          // A token the server no longer honours (expired, revoked elsewhere) is only clutter.
          if (deviceToken) await forgetDevice(serverUrl, email);
          pending = { loginId: answer.loginId, email: tidyEmail(email), serverUrl };
          return { state: 'mfa_required', expiresAt: answer.expiresAt, factors: answer.factors };
        case 'mfa_enrollment_required':
          session.keep(answer.session, tidyEmail(email));
          return { state: 'mfa_enrollment_required' };
      }
    },

    'login.challenge': ({ factorId }) =>
      client.challenge(requirePending().loginId, factorId).catch(dropPendingOn),

    'login.requestMfaReset': ({ reason }) =>
      client.requestMfaReset(requirePending().loginId, reason).catch(dropPendingOn),

    'login.verify': async ({ factorId, code, trustDevice }) => {
      const login = requirePending();
      // Ask the keychain before the server: a locked or missing keychain fails here, with its own
      // message, before a code is spent or a trusted device is issued that nothing could hold.
      if (trustDevice) await devices.get(login.serverUrl, login.email);
      const answer = await client
        .verifyLogin(login.loginId, { factorId, code, ...(trustDevice ? { trustDevice, deviceName } : {}) })
        .catch(dropPendingOn);
      pending = undefined;
      if (answer.trustedDevice) {
        try {
          await devices.save(login.serverUrl, login.email, answer.trustedDevice.token);
        } catch (error) {
          // The keychain went away in between: revoke the device nobody can use, keep nothing.
          const issued = answer.trustedDevice.id;
          await client.revokeDevice(answer.session.token, issued).catch(() => undefined);
          await client.logout(answer.session.token).catch(() => undefined);
          throw error;
        }
      }
      session.keep(answer.session, login.email);
      return { state: 'authenticated', trustedComputer: answer.trustedDevice !== undefined };
    },

    'session.logout': async () => {
      const current = session.current;
      const email = current?.email ?? settings.read().lastEmail;
      const serverUrl = client.serverUrl;
      pending = undefined;
      let keychainError: DesktopError | undefined;
      let deviceToken: string | undefined;
      if (email) {
        try {
          deviceToken = await devices.get(serverUrl, email);
        } catch (error) {
          if (!isKeychainError(error)) throw error;
          keychainError = error;
        }
      }
      if (current) {
        // Offline or already ended on the server: still forget everything here (rule 5).
        await session
          .use((token) => client.logout(token, deviceToken), { quiet: true })
          .catch(() => undefined);
      }
      session.clear();
      if (email && !keychainError) {
        try {
          await devices.forget(serverUrl, email);
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
        const me = await client.me(token);
        session.remember(token, { me });
        return me;
      }),

    'me.cached': async (): Promise<IpcResponse<'me.cached'>> => {
      const snapshot = session.snapshot;
      return snapshot?.me
        ? { me: snapshot.me, devices: snapshot.devices ?? null, savedAt: snapshot.savedAt }
        : null;
    },

    'factors.add': (request) => session.use((token) => client.addFactor(token, request)),

    'factors.verify': async ({ factorId, code }) => {
      const answer = await session.use((token) => client.verifyFactor(token, factorId, code));
      if (answer.session) session.replace(answer.session);
      return { factor: answer.factor, enrollmentComplete: answer.session?.scope === 'full' };
    },

    'factors.resend': ({ factorId }) => session.use((token) => client.resendFactor(token, factorId)),

    'factors.remove': async ({ factorId }) => {
      await session.use((token) => client.removeFactor(token, factorId));
      return {};
    },

    'stepUp.challenge': ({ factorId }) => session.use((token) => client.stepUp(token, factorId)),

    'stepUp.verify': ({ factorId, code }) =>
      session.use((token) => client.verifyStepUp(token, factorId, code)),

    'devices.list': () =>
      session.use(async (token) => {
        const devices = await client.devices(token);
        session.remember(token, { devices });
        return devices;
      }),

    'devices.revoke': async ({ deviceId }) => {
      await session.use((token) => client.revokeDevice(token, deviceId));
      return {};
    },

    'devices.revokeAll': async () => {
      const { email } = session.require();
      await session.use((token) => client.revokeAllDevices(token));
      // This computer was one of them: its token is worthless now.
      await forgetDevice(client.serverUrl, email);
      return {};
    },
  };

  const authenticator = createLocalAuthenticator({
    dataDir: options.dataDir,
    secrets: options.secrets,
    onEvent: (event, payload) => {
      if (!disposed) onEvent(event, payload);
    },
    ...(options.authenticatorPlatform ? { platform: options.authenticatorPlatform } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  return {
    router: new IpcRouter(authenticator.attach(handlers), options.onUnexpected),
    dispose() {
      disposed = true;
      authenticator.dispose();
      stopSessionEvents();
      session.clear();
      pending = undefined;
    },
  };
}
