import type { SettingsView } from '../../../common/contract/ipc';
import type { IpcHandler } from '../ipc-router';
import type { SessionHolder } from '../session-holder';
import type { Settings, SettingsStore } from '../settings';
import type { ServerConnection } from './server-connection';

type SettingsChannel = 'app.status' | 'server.info' | 'settings.get' | 'settings.update';

export interface SettingsDeps {
  settings: SettingsStore;
  server: ServerConnection;
  session: SessionHolder;
  version: string;
  /** The server address changed: whatever was under way with the old one is dropped. */
  onServerChanged: () => void;
}

function view(current: Settings): SettingsView {
  return {
    serverUrl: current.serverUrl,
    lastEmail: current.lastEmail,
    language: current.language,
    theme: current.theme,
  };
}

/** The app's status, what its server says about itself, and its settings; a new address starts clean. */
export function settingsHandlers(deps: SettingsDeps): { [C in SettingsChannel]: IpcHandler<C> } {
  const { settings, server, session, version } = deps;
  return {
    'app.status': async () => {
      const current = session.current;
      return {
        version,
        serverUrl: server.serverUrl,
        online: server.online,
        signedIn: current !== undefined,
        scope: current?.scope ?? null,
        email: current?.email ?? null,
      };
    },

    'server.info': () => server.serverInfo(),

    'settings.get': async () => view(settings.read()),

    'settings.update': async (patch) => {
      const before = settings.read();
      const after = settings.update(patch);
      if (after.serverUrl !== before.serverUrl) {
        // Another server is another account world: end this session (best effort) and start clean.
        const old = server.switchTo(after.serverUrl);
        if (session.current)
          await session.use((token) => old.logout(token), { quiet: true }).catch(() => undefined);
        session.clear();
        deps.onServerChanged();
      }
      return view(after);
    },
  };
}
