import type { IpcEvent, IpcEventPayload } from '../../common/contract/ipc';
import { accountHandlers } from './account/account-handlers';
import { lifecycleHandlers } from './account/lifecycle-handlers';
import { appsHandlers, type OpenExternal } from './account/apps-handlers';
import { loginHandlers } from './account/login-handlers';
import { LoginInProgress } from './account/pending-login';
import { ResetInProgress } from './account/pending-reset';
import { ServerConnection } from './account/server-connection';
import { settingsHandlers } from './account/settings-handlers';
import { TrustedComputer } from './account/trusted-computer';
import type { AuthenticatorPlatform } from './authenticator/capabilities';
import { authenticatorHandlers, type AccountHandlers } from './authenticator/handlers';
import { LocalAuthenticator } from './authenticator/local-authenticator';
import { IpcRouter, type IpcHandlers } from './ipc-router';
import type { SecretStore } from './secret-store';
import { SessionHolder } from './session-holder';
import type { SettingsStore } from './settings';
import { TrustedDeviceStore } from './trusted-device-store';

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
  /**
   * Opens a vetted portal hand-off URL in the system browser (apps.open): Electron's
   * `shell.openExternal` in main, a recorder in tests. Without it apps.open answers
   * `capability_unavailable`.
   */
  openExternal?: OpenExternal;
}

export interface DesktopServices {
  router: IpcRouter;
  /** For main's own callers (the tray), without a round through the router. */
  authenticator: LocalAuthenticator;
  dispose(): void;
}

/**
 * What the desktop app can do, below Electron: one handler per IPC channel, grouped by domain. Main
 * (ipcMain), the web host (WebSocket) and tests drive the same router. Tokens stay here: no reply
 * carries the session token, the trusted-device token or a loginId (docs/security.md 22).
 */
export function createDesktopServices(options: DesktopServicesOptions): DesktopServices {
  const { settings } = options;
  const now = options.now ?? Date.now;
  let disposed = false;
  const emit: DesktopServicesOptions['onEvent'] = (event, payload) => {
    if (!disposed) options.onEvent(event, payload);
  };
  const session = new SessionHolder(now);
  const stopSessionEvents = session.onSessionEnded((reason) => emit('sessionEnded', { reason }));
  const server = new ServerConnection(settings.read().serverUrl, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onConnectivity: (online) => emit('connectivity', { online }),
  });
  const trusted = new TrustedComputer(new TrustedDeviceStore(options.secrets));
  const login = new LoginInProgress(now);
  const reset = new ResetInProgress(now);
  const authenticator = new LocalAuthenticator({
    dataDir: options.dataDir,
    secrets: options.secrets,
    onEvent: emit,
    now,
    ...(options.authenticatorPlatform ? { platform: options.authenticatorPlatform } : {}),
  });

  const account = accountHandlers({ server, session, trusted, settings });
  const handlers = withAuthenticator(
    {
      ...settingsHandlers({
        settings,
        server,
        session,
        version: options.version,
        onServerChanged: () => {
          login.cancel();
          reset.cancel();
        },
      }),
      ...loginHandlers({ server, session, trusted, settings, login, deviceName: options.deviceName }),
      ...account,
      ...lifecycleHandlers({ server, session, trusted, settings, reset }),
      ...appsHandlers({ server, session, openExternal: options.openExternal }),
      // Signing out also drops a login that still owes a factor, and a password reset under way.
      'session.logout': (request) => {
        login.cancel();
        reset.cancel();
        return account['session.logout'](request);
      },
    },
    authenticator,
  );

  return {
    router: new IpcRouter(handlers, options.onUnexpected),
    authenticator,
    dispose() {
      disposed = true;
      authenticator.dispose();
      stopSessionEvents();
      session.clear();
      login.cancel();
      reset.cancel();
    },
  };
}

/**
 * The account's channels beside the authenticator's. The WEM account's own TOTP enrollment passes the
 * local authenticator on its way, so that "use this computer as the authenticator" can add its
 * secret without the page sending it back, and verify the factor with the first code.
 */
export function withAuthenticator(account: AccountHandlers, authenticator: LocalAuthenticator): IpcHandlers {
  return {
    ...account,
    ...authenticatorHandlers(authenticator),
    'factors.add': async (request) => authenticator.rememberEnrollment(await account['factors.add'](request)),
    'factors.verify': async (request) =>
      authenticator.enrollmentVerified(request.factorId, await account['factors.verify'](request)),
    'factors.useThisComputer': ({ factorId }) =>
      authenticator.useThisComputer(factorId, (code) => account['factors.verify']({ factorId, code })),
    'session.logout': (request) => {
      authenticator.forgetEnrollments();
      return account['session.logout'](request);
    },
    'me.delete': async (request) => {
      const done = await account['me.delete'](request);
      authenticator.forgetEnrollments();
      return done;
    },
  };
}
