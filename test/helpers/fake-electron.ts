import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A small stand-in for the parts of the `electron` module that electron/main and electron/preload use,
 * for unit tests in plain Node: `vi.mock('electron', async () => (await import(…)).fakeElectron())`.
 * It records what the code under test registered (IPC handlers, window options, event listeners,
 * permission handlers) so a test can drive them the way Electron would, and nothing more.
 */

type Listener = (...args: never[]) => unknown;

export class Emitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }

  removeListener(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((known) => known !== listener),
    );
    return this;
  }

  /** Calls every listener of `event` with `args`, as Electron would. */
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => unknown)(...args);
  }

  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function preventableEvent<T extends object>(fields: T = {} as T): PreventableEvent & T {
  return {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;
type PermissionCheckHandler = (
  webContents: unknown,
  permission: string,
  origin: string,
  details: unknown,
) => boolean;

class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

class FakeWebContents extends Emitter {
  readonly session = new FakeSession();
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly sent: { channel: string; payload: unknown }[] = [];
  destroyed = false;

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export function fakeElectron() {
  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    loadedUrl: string | undefined;
    maximized = false;

    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }

    static getAllWindows(): FakeBrowserWindow[] {
      return windows;
    }

    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
    }

    maximize(): void {
      this.maximized = true;
    }

    isMaximized(): boolean {
      return this.maximized;
    }

    getNormalBounds() {
      return { x: 10, y: 20, width: 900, height: 700 };
    }

    show(): void {}
  }

  const invokeHandlers = new Map<string, (event: unknown, payload: unknown) => unknown>();
  const schemeHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const privilegedSchemes: unknown[] = [];
  const exposed = new Map<string, unknown>();
  const invoked: { channel: string; payload: unknown }[] = [];
  const opened: string[] = [];
  const ipcRenderer = Object.assign(new Emitter(), {
    async invoke(channel: string, payload: unknown): Promise<unknown> {
      invoked.push({ channel, payload });
      return { ok: true, value: { echoed: channel } };
    },
  });
  const app = Object.assign(new Emitter(), {
    protocolClients: [] as unknown[][],
    setAsDefaultProtocolClient(...args: unknown[]): boolean {
      app.protocolClients.push(args);
      return true;
    },
  });

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle(channel: string, handler: (event: unknown, payload: unknown) => unknown): void {
        if (invokeHandlers.has(channel))
          throw new Error(`Attempted to register a second handler for '${channel}'`);
        invokeHandlers.set(channel, handler);
      },
      removeHandler(channel: string): void {
        invokeHandlers.delete(channel);
      },
    },
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown): void {
        exposed.set(key, api);
      },
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]): void {
        privilegedSchemes.push(...schemes);
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
        schemeHandlers.set(scheme, handler);
      },
    },
    net: {
      /** Electron's net.fetch for file:// URLs: the file with a type from its extension. */
      async fetch(url: string): Promise<Response> {
        const file = fileURLToPath(url);
        const types: Record<string, string> = {
          '.html': 'text/html',
          '.js': 'text/javascript',
          '.css': 'text/css',
        };
        return new Response(await readFile(file), {
          headers: { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' },
        });
      },
    },
    shell: {
      async openExternal(url: string): Promise<void> {
        opened.push(url);
      },
    },
  };

  return {
    default: module,
    ...module,
    /** What the code under test registered, for the test to inspect and drive. */
    recorded: { windows, invokeHandlers, schemeHandlers, privilegedSchemes, exposed, invoked, opened },
  };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;
