/**
 * The local authenticator's limits, shared by main and the screen. Kept apart from the zod contract
 * (ipc-authenticator.ts) so the renderer can read them without bundling the schemas.
 */

/** Base64 of an image file (PNG or JPEG): ~9 MB, a phone screenshot with room to spare. */
export const maxImageBase64Length = 12 * 1024 * 1024;
/** An import file as text: Aegis exports carry icons, so a few MB is normal. */
export const maxImportLength = 8 * 1024 * 1024;
/** How long a copied code stays on the clipboard before it is cleared (if it is still there). */
export const clipboardClearSeconds = 30;
export const idleMinutesRange = { min: 1, max: 60, default: 5 } as const;
export const minLockPasswordLength = 8;
export const minBackupPasswordLength = 8;
/** A TOTP period typed or imported: whole seconds, at most an hour. */
export const maxPeriodSeconds = 3600;
