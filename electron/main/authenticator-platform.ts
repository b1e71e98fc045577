import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  app,
  clipboard,
  desktopCapturer,
  dialog,
  screen,
  type BrowserWindow,
  type DesktopCapturerSource,
  type NativeImage,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import type { AuthenticatorPlatform } from '../services/authenticator/capabilities';
import { bgraToRgba, maxImageBytes, type RgbaImage } from '../services/authenticator/qr';
import { DesktopError } from '../services/desktop-error';

/**
 * What only Electron can do for the local authenticator: capture the screens, the system's open and
 * save dialogs, the clipboard. Handed to the services (which never import electron) at start.
 */
export function electronAuthenticatorPlatform(
  window: () => BrowserWindow | undefined,
): AuthenticatorPlatform {
  const parent = () => {
    const current = window();
    return current && !current.isDestroyed() ? current : undefined;
  };
  return {
    async captureScreens() {
      // Thumbnails as large as the largest screen in real pixels: a QR code shrunk any further may not read.
      const displays = screen.getAllDisplays();
      const width = Math.max(...displays.map((d) => Math.round(d.size.width * d.scaleFactor)));
      const height = Math.max(...displays.map((d) => Math.round(d.size.height * d.scaleFactor)));
      let sources: DesktopCapturerSource[];
      try {
        sources = await desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width, height } });
      } catch {
        // No permission (macOS screen recording) or no capture portal (some Wayland desktops).
        throw new DesktopError('capability_unavailable', { reasons: ['screen capture refused'] });
      }
      return sources
        .filter((source) => !source.thumbnail.isEmpty())
        .map((source) => pixelsOf(source.thumbnail));
    },

    async pickImage() {
      const options: OpenDialogOptions = {
        properties: ['openFile'],
        filters: [{ name: 'PNG or JPEG', extensions: ['png', 'jpg', 'jpeg'] }],
      };
      const owner = parent();
      const result = owner
        ? await dialog.showOpenDialog(owner, options)
        : await dialog.showOpenDialog(options);
      const file = result.canceled ? undefined : result.filePaths[0];
      if (file === undefined) return undefined;
      if ((await stat(file)).size > maxImageBytes) throw new DesktopError('payload_too_large');
      return readFile(file);
    },

    async readClipboardImage() {
      for (const item of await clipboard.read()) {
        const type = item.types.includes('image/png')
          ? 'image/png'
          : item.types.includes('image/jpeg')
            ? 'image/jpeg'
            : undefined;
        if (type === undefined) continue;
        const blob = await item.getType(type);
        if (blob.size > maxImageBytes) throw new DesktopError('payload_too_large');
        return new Uint8Array(await blob.arrayBuffer());
      }
      return undefined;
    },

    clipboard: {
      writeText: (text) => clipboard.writeText(text),
      readText: () => clipboard.readText(),
    },

    async saveFile(suggestedName, content) {
      const options: SaveDialogOptions = { defaultPath: path.join(app.getPath('documents'), suggestedName) };
      const owner = parent();
      const result = owner
        ? await dialog.showSaveDialog(owner, options)
        : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return false;
      // Owner-only: an export holds every account (encrypted, or in clear for the URI list).
      await writeFile(result.filePath, content, { mode: 0o600 });
      return true;
    },
  };
}

/** nativeImage's bitmap is BGRA at scale 1, the size getSize() reports. */
function pixelsOf(image: NativeImage): RgbaImage {
  const { width, height } = image.getSize();
  return bgraToRgba({ width, height, data: image.toBitmap() });
}
