import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfSettingsStore, defaultSettings, MemorySettingsStore, type Settings } from './settings';

describe('settings kept by conf', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wem-settings-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = () => path.join(dir, 'config.json');

  it('starts with the defaults: the local server, system language and theme', () => {
    expect(new ConfSettingsStore({ cwd: dir }).read()).toEqual({
      serverUrl: 'http://127.0.0.1:4300',
      lastEmail: null,
      language: 'system',
      theme: 'system',
      windowState: null,
    });
  });

  it('keeps changes across restarts in a JSON file', () => {
    const windowState = { x: 10, y: 20, width: 900, height: 700, maximized: false };
    new ConfSettingsStore({ cwd: dir }).update({
      serverUrl: 'https://accounts.example.com/',
      lastEmail: 'jane@example.net',
      language: 'nl',
      theme: 'dark',
      windowState,
    });
    expect(new ConfSettingsStore({ cwd: dir }).read()).toEqual({
      serverUrl: 'https://accounts.example.com',
      lastEmail: 'jane@example.net',
      language: 'nl',
      theme: 'dark',
      windowState,
    });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({ language: 'nl', theme: 'dark' });
  });

  it('falls back to the default for each hand-edited bad value and keeps the good ones', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        serverUrl: 'http://example.com',
        language: 'klingon',
        theme: 'dark',
        windowState: { x: 'left' },
        lastEmail: 42,
      }),
    );
    expect(new ConfSettingsStore({ cwd: dir }).read()).toEqual({ ...defaultSettings, theme: 'dark' });
  });

  it('opens with the defaults when the file is not JSON at all', () => {
    writeFileSync(file(), '{ this is not json');
    const store = new ConfSettingsStore({ cwd: dir });
    expect(store.read()).toEqual(defaultSettings);
    expect(store.update({ theme: 'light' }).theme).toBe('light');
  });

  it('refuses a plain-http remote server and leaves the file as it was', () => {
    const store = new ConfSettingsStore({ cwd: dir });
    store.update({ theme: 'light' });
    const before = readFileSync(file(), 'utf8');
    expect(() => store.update({ serverUrl: 'http://example.com', theme: 'dark' })).toThrow(
      expect.objectContaining({ code: 'insecure_server_url' }),
    );
    expect(readFileSync(file(), 'utf8')).toBe(before);
  });

  it('writes only known settings, so nothing like a token can end up in the file', () => {
    const store = new ConfSettingsStore({ cwd: dir });
    const sneaky = { theme: 'dark', token: 'session.secret-value' } as Partial<Settings>;
    store.update(sneaky);
    writeFileSync(
      file(),
      JSON.stringify({ ...JSON.parse(readFileSync(file(), 'utf8')), deviceToken: 'x.y' }),
    );
    store.update({ language: 'en' });
    const written = readFileSync(file(), 'utf8');
    expect(written).not.toContain('secret-value');
    expect(written).not.toContain('deviceToken');
  });
});

describe('settings kept in memory', () => {
  it('validates like the file store', () => {
    const store = new MemorySettingsStore();
    expect(() => store.update({ serverUrl: 'http://10.1.2.3' })).toThrow(
      expect.objectContaining({ code: 'insecure_server_url' }),
    );
    expect(store.update({ serverUrl: 'http://localhost:4300' }).serverUrl).toBe('http://localhost:4300');
  });
});
