/**
 * The one catalogue of error codes. The HTTP layer maps each code to its status; clients switch on the
 * code, never on the message. Codes are part of the public contract (docs/api.md): add, never rename.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, message: 'Some fields are missing or not valid.' },
  weak_password: { status: 400, message: 'Choose a stronger password.' },
  invalid_phone: { status: 400, message: 'This is not a valid mobile number.' },
  invalid_email: { status: 400, message: 'This is not a valid email address.' },
  activation_invalid: { status: 400, message: 'This activation link is not valid.' },
  activation_expired: { status: 410, message: 'This activation link has expired. Ask for a new one.' },
  activation_used: { status: 409, message: 'This account is already active. You can sign in.' },
  activation_password_required: {
    status: 409,
    message:
      'More than one sign-up was made with this address. Choose your password to activate the account.',
  },
  reset_invalid: {
    status: 400,
    message: 'This password reset link is not valid. Use the link in the most recent mail.',
  },
  email_change_invalid: {
    status: 400,
    message: 'This confirmation link is not valid. Use the link in the most recent mail.',
  },
  invalid_credentials: { status: 401, message: 'The email address or password is not correct.' },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  invalid_code: { status: 401, message: 'This code is not correct.' },
  account_not_activated: {
    status: 403,
    message: 'Activate your account first, with the link we mailed you.',
  },
  step_up_required: { status: 403, message: 'Confirm it is you with one of your factors first.' },
  enrollment_required: { status: 403, message: 'Set up multi-factor authentication first.' },
  factor_required: {
    status: 403,
    message: 'Confirm it is you with one of your factors before choosing a new password.',
  },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  not_found: { status: 404, message: 'Not found.' },
  login_not_found: { status: 404, message: 'This sign-in attempt does not exist. Start again.' },
  factor_not_found: { status: 404, message: 'This factor does not exist.' },
  client_not_found: { status: 404, message: 'This application is not registered with WEM.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  last_factor: { status: 409, message: 'You cannot remove your last factor.' },
  reset_used: { status: 409, message: 'This password reset link has already been used.' },
  email_change_used: { status: 409, message: 'This email address change has already been confirmed.' },
  email_taken: { status: 409, message: 'This email address belongs to another account now.' },
  already_decided: { status: 409, message: 'This request has already been decided.' },
  login_expired: { status: 410, message: 'This sign-in attempt has expired. Start again.' },
  reset_expired: { status: 410, message: 'This password reset link has expired. Ask for a new one.' },
  email_change_expired: {
    status: 410,
    message: 'This confirmation link has expired. Change the email address again for a new one.',
  },
  payload_too_large: { status: 413, message: 'The request is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the request as JSON.' },
  rate_limited: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  resend_too_soon: { status: 429, message: 'Wait a moment before asking for another code.' },
  too_many_attempts: { status: 429, message: 'Too many wrong codes. Start the sign-in again.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable. Try again soon.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return errorCatalogue[code].status;
}

/**
 * Errors the desktop app raises itself, on top of the API's: no network, no keychain, a refused
 * server address, a malformed IPC call. The renderer shows each in the user's words by its code.
 */
export const clientErrorCatalogue = {
  offline: { message: 'You are offline, or the WEM Account server cannot be reached.' },
  server_error: { message: 'The WEM Account server had a problem. Try again in a moment.' },
  app_error: {
    message:
      'Something went wrong in the app on this computer (not on the server). Try again or restart the app.',
  },
  keychain_unavailable: {
    message: 'No keychain was found on this computer, so it cannot be trusted or keep secrets.',
  },
  keychain_locked: { message: 'Your keychain is locked. Unlock it and try again.' },
  insecure_server_url: {
    message: 'Use an https:// server address (plain http:// only for this computer itself).',
  },
  invalid_request: { message: 'The app sent a request it should not have. Restart the app.' },
  forbidden_sender: { message: 'This request did not come from the WEM Account app.' },
  no_login_in_progress: { message: 'Start the sign-in again.' },
  no_reset_in_progress: { message: 'Open the link from the password reset mail again.' },
  invalid_otpauth: { message: 'This is not a valid authenticator link or entry.' },
  wrong_password: { message: 'The password for this file is not correct. Nothing was imported.' },
  password_required: { message: 'This file is protected by a password. Enter it to import.' },
  damaged_file: { message: 'This file is damaged or not in a format the app knows. Nothing was imported.' },
  vault_damaged: {
    message: 'The authenticator vault on this computer is damaged. It was left as it is; restore a backup.',
  },
  vault_key_missing: {
    message: 'The key of the authenticator vault is missing from your keychain, so its codes cannot be read.',
  },
  capability_unavailable: {
    message: 'This works in the WEM Account desktop app only, not in this window.',
  },
  authenticator_locked: { message: 'The authenticator is locked. Unlock it first.' },
  wrong_lock_password: { message: 'This password is not correct.' },
  unreadable_image: { message: 'This is not a PNG or JPEG image the app can read. Nothing was added.' },
  no_qr_code: { message: 'No QR code was found in this image. Nothing was added.' },
  not_authenticator_qr: { message: 'This QR code is not an authenticator code. Nothing was added.' },
  no_clipboard_image: { message: 'There is no image on the clipboard. Copy the QR code first.' },
  enrollment_not_pending: {
    message: 'This authenticator setup is no longer waiting for a code. Start it again.',
  },
  /** The WEM Login Portal (a browser) asked for what only the desktop app has (docs/api.md "WEM Login Portal"). */
  not_available: { message: 'This is not available in the browser. Use the WEM Account desktop app for it.' },
  /** "Open Modeler": the system refused to open a browser (docs/architecture.md "Opening WEM apps"). */
  browser_not_opened: { message: 'Your web browser could not be opened. Try again.' },
} as const satisfies Record<string, { message: string }>;

export type ClientErrorCode = keyof typeof clientErrorCatalogue;
export const clientErrorCodes = Object.keys(clientErrorCatalogue) as ClientErrorCode[];
export type AnyErrorCode = ErrorCode | ClientErrorCode;

export function isApiErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

export function messageOf(code: AnyErrorCode): string {
  return isApiErrorCode(code) ? errorCatalogue[code].message : clientErrorCatalogue[code].message;
}
