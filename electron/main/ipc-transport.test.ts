import { describe, expect, it, vi } from 'vitest';
import { ipcChannelNames } from '../../common/contract/ipc';
import { fakeRouter } from '../../test/helpers/fake-router';

const fake = await vi.hoisted(async () => (await import('../../test/helpers/fake-electron')).fakeElectron());
vi.mock('electron', () => fake);

const { registerIpcTransport, sendEvent } = await import('./ipc-transport');

const status = {
  version: '0.1.0',
  serverUrl: 'https://accounts.wem.io',
  online: true,
  signedIn: false,
  scope: null,
  email: null,
};

/** Registers the transport over a fake router and returns a way to call a channel as a frame would. */
function transport() {
  const { router, calls } = fakeRouter({
    'app.status': async () => status,
    'settings.get': async () => settings,
  });
  const refused: (string | undefined)[] = [];
  const remove = registerIpcTransport(router, { onRefused: (_channel, url) => refused.push(url) });
  const call = async (
    channel: string,
    senderFrame: { url: string } | null | undefined,
    payload?: unknown,
  ) => {
    const handler = fake.recorded.invokeHandlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame }, payload);
  };
  return { call, calls, refused, remove };
}
const settings = {
  serverUrl: 'https://accounts.wem.io',
  lastEmail: null,
  language: 'en',
  theme: 'dark',
} as const;

describe('the IPC transport in main', () => {
  it('answers the app’s own page on every channel of the contract', async () => {
    const t = transport();
    try {
      expect([...fake.recorded.invokeHandlers.keys()].sort()).toEqual([...ipcChannelNames].sort());
      const answer = await t.call('app.status', { url: 'app://wem-account/index.html' }, {});
      expect(answer).toEqual({ ok: true, value: status });
      expect(t.calls.map((c) => c.channel)).toEqual(['app.status']);
    } finally {
      t.remove();
    }
  });

  it.each([
    ['a file:// page', { url: 'file:///home/someone/index.html' }],
    ['a web page', { url: 'https://evil.example/' }],
    ['a frame of another origin inside the app', { url: 'https://evil.example/embedded.html' }],
    ['a look-alike host', { url: 'app://wem-account.evil.example/index.html' }],
    ['the app host as a user name', { url: 'app://wem-account@evil.example/index.html' }],
    ['an http page on the app’s name', { url: 'http://wem-account/index.html' }],
    ['a frame that is gone', null],
    ['no frame at all', undefined],
  ])('refuses a call from %s before any handler runs', async (_name, senderFrame) => {
    const t = transport();
    try {
      const answer = await t.call('settings.get', senderFrame, {});
      expect(answer).toEqual({
        ok: false,
        error: { code: 'forbidden_sender', message: 'This request did not come from the WEM Account app.' },
      });
      expect(t.calls).toEqual([]);
      expect(t.refused).toEqual([senderFrame?.url]);
    } finally {
      t.remove();
    }
  });

  it('refuses a frame whose URL can no longer be read', async () => {
    const t = transport();
    try {
      const destroyed = {
        get url(): string {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
      };
      const answer = await t.call('app.status', destroyed, {});
      expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
      expect(t.calls).toEqual([]);
    } finally {
      t.remove();
    }
  });

  it('refuses a malformed payload from the app’s own page with the fields that are wrong', async () => {
    const t = transport();
    try {
      const answer = await t.call(
        'login.start',
        { url: 'app://wem-account/index.html' },
        { email: 'someone@example.com', password: '', extra: 'field' },
      );
      expect(answer).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(t.calls).toEqual([]);
    } finally {
      t.remove();
    }
  });

  it('removes every handler when it is taken down', () => {
    const t = transport();
    t.remove();
    expect(fake.recorded.invokeHandlers.size).toBe(0);
  });
});

describe('events from main to the page', () => {
  it('delivers a contract event to the page', () => {
    const contents = {
      sent: [] as unknown[][],
      isDestroyed: () => false,
      send: (...a: unknown[]) => contents.sent.push(a),
    };
    expect(sendEvent(contents, 'connectivity', { online: false })).toBe(true);
    expect(contents.sent).toEqual([['connectivity', { online: false }]]);
  });

  it('never pushes a payload the contract does not describe', () => {
    const contents = {
      sent: [] as unknown[][],
      isDestroyed: () => false,
      send: (...a: unknown[]) => contents.sent.push(a),
    };
    const leaky = { kind: 'activate', token: 'x'.repeat(401) } as const;
    expect(() => sendEvent(contents, 'deepLink', leaky)).toThrow();
    expect(contents.sent).toEqual([]);
  });

  it('skips a window that is already closed', () => {
    const contents = {
      sent: [] as unknown[][],
      isDestroyed: () => true,
      send: (...a: unknown[]) => contents.sent.push(a),
    };
    expect(sendEvent(contents, 'connectivity', { online: true })).toBe(false);
    expect(contents.sent).toEqual([]);
  });
});
