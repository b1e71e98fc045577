import type { ServerInfo } from '../../../common/contract/http';
import { PortalClient } from '../portal-client';

/**
 * The account API the app talks to now: one portal client per server address, replaced when the
 * address changes in Settings, and whether the last request reached it.
 */
export class ServerConnection {
  online = true;
  private current: PortalClient;
  /** GET /v1/info of the current server, asked once; a failed ask is asked again next time. */
  private info: Promise<ServerInfo> | undefined;

  constructor(
    serverUrl: string,
    private readonly options: { timeoutMs?: number; onConnectivity: (online: boolean) => void },
  ) {
    this.current = this.clientFor(serverUrl);
  }

  get client(): PortalClient {
    return this.current;
  }

  get serverUrl(): string {
    return this.current.serverUrl;
  }

  /** Another server is another account world: the old client is returned for a last sign-out. */
  switchTo(serverUrl: string): PortalClient {
    const old = this.current;
    this.current = this.clientFor(serverUrl);
    this.info = undefined;
    return old;
  }

  /** What the server says about itself for the screens: its activation link lifetime, its support. */
  serverInfo(): Promise<ServerInfo> {
    const client = this.current;
    const asked = (this.info ??= client.info());
    asked.catch(() => {
      if (this.info === asked) this.info = undefined;
    });
    return asked;
  }

  private clientFor(serverUrl: string): PortalClient {
    return new PortalClient({
      serverUrl,
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      onConnectivity: (now) => {
        this.online = now;
        this.options.onConnectivity(now);
      },
    });
  }
}
