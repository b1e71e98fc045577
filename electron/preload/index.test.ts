import { describe, expect, it, vi } from 'vitest';
import { ipcChannelNames, ipcEvents } from '../../common/contract/ipc';

const fake = await vi.hoisted(async () => (await import('../../test/helpers/fake-electron')).fakeElectron());
vi.mock('electron', () => fake);

await import('./index');

/** The exposed object as a page (or an attacker's script in it) sees it: anything may be passed. */
interface ExposedBridge {
  invoke(channel: unknown, payload?: unknown): Promise<unknown>;
  on(event: unknown, listener: unknown): () => void;
}
const exposed = fake.recorded.exposed;
const page = exposed.get('wemAccount') as ExposedBridge;

describe('the preload bridge', () => {
  it('exposes one object with invoke and on, and no ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['wemAccount']);
    expect(Object.keys(page).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(page).every((value) => typeof value === 'function')).toBe(true);
  });

  it('passes every contract channel to main with its payload', async () => {
    fake.recorded.invoked.length = 0;
    for (const channel of ipcChannelNames) {
      await expect(page.invoke(channel, { some: 'payload' })).resolves.toEqual({
        ok: true,
        value: { echoed: channel },
      });
    }
    expect(fake.recorded.invoked).toEqual(
      ipcChannelNames.map((channel) => ({ channel, payload: { some: 'payload' } })),
    );
  });

  it.each(['shell.openExternal', 'ELECTRON_BROWSER_REQUIRE', '__proto__', 'toString', '', 42, undefined])(
    'refuses the channel %s without reaching main',
    async (channel) => {
      fake.recorded.invoked.length = 0;
      await expect(page.invoke(channel, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'invalid_request' },
      });
      expect(fake.recorded.invoked).toEqual([]);
    },
  );

  it('hands a listener the event payload only, and stops when unsubscribed', () => {
    const received: unknown[] = [];
    const unsubscribe = page.on('deepLink', (payload: unknown) => received.push(payload));
    const senderEvent = { sender: fake.ipcRenderer };
    fake.ipcRenderer.emit('deepLink', senderEvent, { kind: 'activate', token: 'abc' });
    unsubscribe();
    fake.ipcRenderer.emit('deepLink', senderEvent, { kind: 'activate', token: 'def' });
    expect(received).toEqual([{ kind: 'activate', token: 'abc' }]);
    expect(fake.ipcRenderer.count('deepLink')).toBe(0);
  });

  it('subscribes to every contract event', () => {
    for (const event of Object.keys(ipcEvents)) {
      const unsubscribe = page.on(event, () => {});
      expect(fake.ipcRenderer.count(event)).toBe(1);
      unsubscribe();
    }
  });

  it.each(['app.status', 'ipc-message', '__proto__', 7])('refuses to listen to %s', (event) => {
    expect(() => page.on(event, () => {})).toThrow(TypeError);
    expect(fake.ipcRenderer.count(String(event))).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => page.on('connectivity', 'alert(1)')).toThrow(TypeError);
    expect(fake.ipcRenderer.count('connectivity')).toBe(0);
  });
});
