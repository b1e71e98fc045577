import type { AuthenticatorCapabilities } from '../../../common/contract/ipc-authenticator';
import type { RgbaImage } from './qr';

/**
 * What only Electron's main process can do for the authenticator, handed in by electron/main (these
 * services never import electron). Each one is optional: where it is missing (plain Node, the web
 * host) its channel answers `capability_unavailable` and the screen disables the control and says why.
 */
export interface AuthenticatorPlatform {
  /** Every screen, captured at its own resolution (desktopCapturer), as RGBA pixels. */
  captureScreens?(): Promise<RgbaImage[]>;
  /** An open dialog for an image; its bytes, or undefined when the user cancelled. */
  pickImage?(): Promise<Uint8Array | undefined>;
  /** The image on the system clipboard as a PNG or JPEG file, or undefined when it holds none. */
  readClipboardImage?(): Promise<Uint8Array | undefined>;
  /** The system clipboard's text, for copying a code and clearing it again. */
  clipboard?: { writeText(text: string): Promise<void>; readText(): Promise<string> };
  /** A save dialog, then the file written (owner-only); false when the user cancelled. */
  saveFile?(suggestedName: string, content: string): Promise<boolean>;
}

export function capabilitiesOf(platform: AuthenticatorPlatform): AuthenticatorCapabilities {
  return {
    scanScreen: platform.captureScreens !== undefined,
    pickImage: platform.pickImage !== undefined,
    readClipboardImage: platform.readClipboardImage !== undefined,
    copy: platform.clipboard !== undefined,
    saveFile: platform.saveFile !== undefined,
  };
}
