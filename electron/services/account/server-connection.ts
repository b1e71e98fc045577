import { PortalClient } from '../portal-client';

/**
 * The account API the app talks to now: one portal client per server address, replaced when the
 * address changes in Settings, and whether the last request reached it.
 */
export class ServerConnection {
  online = true;
  private current: PortalClient;

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
    return old;
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
