import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server, that can play a network partition: `freeze()` holds
 * every byte in both directions (connections stay open, new ones are accepted but get no answer), as a
 * dead switch or a lost route does; `thaw()` delivers what was held and relays again.
 */
export class FreezableProxy {
  private readonly sockets = new Set<Socket>();
  private held: { to: Socket; chunk: Buffer }[] = [];
  private frozen = false;
  private readonly server = createServer((client) => this.relay(client));
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    const held = this.held;
    this.held = [];
    for (const { to, chunk } of held) if (!to.destroyed) to.write(chunk);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (this.frozen) this.held.push({ to, chunk });
        else to.write(chunk);
      });
      // Either side closing or failing closes the other, as a relay that lost one leg must.
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => to.destroy());
    }
  }
}
