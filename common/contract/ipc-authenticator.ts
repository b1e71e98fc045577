import { z } from 'zod';
import { idleMinutesRange, maxImageBase64Length, maxImportLength } from './authenticator-limits';
import { idField } from './fields';
import { factorView } from './http';

export * from './authenticator-limits';

/**
 * The local authenticator's part of the IPC contract (spread into ipc.ts's `ipcChannels` and
 * `ipcEvents`). Secrets travel one way only: the renderer may send one (a pasted URI, a typed
 * secret, an image, an import file), main never sends one back (docs/security.md 22). Replies and events
 * carry names, codes and seconds left; the URI-list export, the one output that holds secrets in
 * clear, is written to a file by main and never returned.
 */

const none = z.object({}).strict();
/** Main checks names and secrets itself (account.ts) so that each problem comes back by field. */
const text = (max: number) => z.string().max(max);

/** What the renderer may know of an entry: its names and codes, never its secret or counter. */
export const codeView = z.object({
  id: z.string(),
  issuer: z.string(),
  label: z.string(),
  /** Steam: 5 characters of Steam's alphabet every 30 s, shown like TOTP. */
  type: z.enum(['totp', 'hotp', 'steam']),
  digits: z.number().int(),
  /** TOTP/Steam: the period in seconds, the next period's code and the seconds left in this one. HOTP: null. */
  period: z.number().int().nullable(),
  code: z.string(),
  nextCode: z.string().nullable(),
  secondsLeft: z.number().int().nullable(),
  /**
   * A stored entry that makes no codes (e.g. a secret an older version let in) is listed with its
   * problem code and empty code fields, so that it never hides the others; null when it is sound.
   */
  problem: z.string().nullable(),
});
export type CodeViewPayload = z.infer<typeof codeView>;

/** Which main-only abilities this runtime has: Electron has them all, the web host none. */
export const authenticatorCapabilities = z.object({
  scanScreen: z.boolean(),
  pickImage: z.boolean(),
  readClipboardImage: z.boolean(),
  /** Main puts codes on the system clipboard and clears them; without it the page does (web host). */
  copy: z.boolean(),
  /** Main writes exports (a save dialog in Electron, the export folder in the web host). */
  saveFile: z.boolean(),
});
export type AuthenticatorCapabilities = z.infer<typeof authenticatorCapabilities>;

export const lockView = z.object({
  /** Unlocking asks for the app password; without one a click unlocks. */
  hasPassword: z.boolean(),
  /** Minutes without authenticator activity before it locks itself. */
  idleMinutes: z.number().int(),
});

/** The authenticator as the screen shows it. Locked, it says nothing about its entries. */
export const authenticatorState = z.discriminatedUnion('locked', [
  z.object({
    locked: z.literal(true),
    lock: lockView,
    capabilities: authenticatorCapabilities,
  }),
  z.object({
    locked: z.literal(false),
    lock: lockView,
    capabilities: authenticatorCapabilities,
    entries: z.array(codeView),
  }),
]);
export type AuthenticatorState = z.infer<typeof authenticatorState>;

const named = z.object({ issuer: z.string(), label: z.string() });

/**
 * What an add or import did: the entries added, those skipped because the list already has one
 * that makes the same codes, those of a kind the app does not support (named, never dropped
 * silently) and those that could not be read (by their place in the file and a reason code).
 */
export const addReport = z.object({
  added: z.array(named.extend({ id: z.string() })),
  duplicates: z.array(named),
  /** `reason`: `unsupported_type` (e.g. MOTP) or `unsupported_algorithm` (then `type` names it, e.g. MD5). */
  unsupported: z.array(named.extend({ type: z.string(), reason: z.string() })),
  errors: z.array(named.extend({ position: z.number().int(), reason: z.string() })),
  /** The user closed the file dialog without choosing (pickImage). */
  cancelled: z.boolean(),
});
export type AddReport = z.infer<typeof addReport>;

/** Exports go to a file main writes (a save dialog, or the web host's export folder), never to the page. */
const exported = z.object({
  fileName: z.string(),
  /** False when the user cancelled the save dialog. */
  saved: z.boolean(),
});

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const authenticatorChannels = {
  'authenticator.list': channel(none, authenticatorState),
  /** One otpauth:// URI, several (one a line), or an otpauth-migration:// export, pasted or dropped. */
  'authenticator.addUri': channel(z.object({ uri: text(maxImportLength) }).strict(), addReport),
  /** Typed by hand; each bad field comes back in `fields` under its name, with a problem code. */
  'authenticator.addManual': channel(
    z
      .object({
        type: z.enum(['totp', 'hotp', 'steam']).default('totp'),
        issuer: text(1000).default(''),
        label: text(1000),
        secret: text(1000),
        algorithm: text(20).default('SHA1'),
        digits: z.number().int().default(6),
        period: z.number().int().default(30),
        counter: z.number().int().default(0),
      })
      .strict(),
    addReport,
  ),
  /** A PNG or JPEG with a QR code (a dropped or picked file, or a pasted image), base64. */
  'authenticator.addFromImage': channel(
    z.object({ image: z.string().max(maxImageBase64Length) }).strict(),
    addReport,
  ),
  /** Electron only: every screen is captured and searched for a QR code. */
  'authenticator.scanScreen': channel(none, addReport),
  /** Electron only: main's open dialog; the image never passes through the page. */
  'authenticator.pickImage': channel(none, addReport),
  /** Electron only: the image on the system clipboard. */
  'authenticator.readClipboardImage': channel(none, addReport),
  'authenticator.rename': channel(
    z.object({ id: idField, issuer: text(1000).optional(), label: text(1000).optional() }).strict(),
    authenticatorState,
  ),
  /** Every entry's id exactly once, in the new order. */
  'authenticator.reorder': channel(
    z.object({ ids: z.array(idField).max(10_000) }).strict(),
    authenticatorState,
  ),
  'authenticator.delete': channel(z.object({ id: idField }).strict(), authenticatorState),
  /** HOTP: moves the counter on and answers the new code. */
  'authenticator.nextHotpCode': channel(z.object({ id: idField }).strict(), codeView),
  /** Main puts the code on the clipboard and clears it after `clearAfterSeconds` if it is still there. */
  'authenticator.copy': channel(
    z.object({ id: idField }).strict(),
    z.object({ clearAfterSeconds: z.number().int() }),
  ),
  /**
   * Any supported export, recognised by its content. `encoding: 'base64'` for a file read as bytes
   * (the import panel sends every file so: andOTP, Authenticator Pro and FreeOTP 2 backups are binary).
   * An encrypted file without `password` is `password_required`, with `reasons[0]` naming the format.
   */
  'authenticator.import': channel(
    z
      .object({
        content: text(maxImageBase64Length),
        encoding: z.enum(['utf8', 'base64']).default('utf8'),
        password: z.string().max(1024).optional(),
      })
      .strict(),
    addReport,
  ),
  'authenticator.exportBackup': channel(z.object({ password: z.string().max(1024) }).strict(), exported),
  /** Secrets in clear: only with the user's explicit acknowledgement, and only to a file main writes. */
  'authenticator.exportUriList': channel(
    z.object({ acknowledgeUnencrypted: z.boolean() }).strict(),
    exported,
  ),
  'authenticator.lock': channel(none, authenticatorState),
  /** `password` where one is set; a click (no password) otherwise. */
  'authenticator.unlock': channel(
    z.object({ password: z.string().max(1024).optional() }).strict(),
    authenticatorState,
  ),
  /** Sets, changes (`current` needed) or removes (`password: null`, `current` needed) the app password. */
  'authenticator.setPassword': channel(
    z
      .object({ current: z.string().max(1024).optional(), password: z.string().max(1024).nullable() })
      .strict(),
    authenticatorState,
  ),
  'authenticator.setIdleMinutes': channel(
    z.object({ minutes: z.number().int().min(idleMinutesRange.min).max(idleMinutesRange.max) }).strict(),
    authenticatorState,
  ),
  /**
   * "Use this computer as the authenticator" in the WEM account's own TOTP enrollment: main adds
   * the pending factor's secret (remembered from the factors.add reply, never sent back by the page)
   * to the vault as issuer "WEM", label the account's email, and verifies the factor with the
   * current code. Answers what factors.verify answers.
   */
  'factors.useThisComputer': channel(
    z.object({ factorId: idField }).strict(),
    z.object({ factor: factorView, enrollmentComplete: z.boolean() }),
  ),
} as const;

export const authenticatorEvents = {
  /** At every period boundary and after every change; locked, no entries at all. */
  authenticatorCodes: z.discriminatedUnion('locked', [
    z.object({ locked: z.literal(true) }),
    z.object({ locked: z.literal(false), entries: z.array(codeView) }),
  ]),
} as const;
