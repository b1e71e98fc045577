/**
 * The one catalogue of error codes. The HTTP layer maps each code to its status; clients switch on the
 * code, never on the message. Codes are part of the public contract (API.md): add, never rename.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, message: 'Some fields are missing or not valid.' },
  weak_password: { status: 400, message: 'Choose a stronger password.' },
  invalid_phone: { status: 400, message: 'This is not a valid mobile number.' },
  invalid_email: { status: 400, message: 'This is not a valid email address.' },
  activation_invalid: { status: 400, message: 'This activation link is not valid.' },
  activation_expired: { status: 410, message: 'This activation link has expired. Ask for a new one.' },
  activation_used: { status: 409, message: 'This account is already active. You can sign in.' },
  invalid_credentials: { status: 401, message: 'The email address or password is not correct.' },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  invalid_code: { status: 401, message: 'This code is not correct.' },
  account_not_activated: {
    status: 403,
    message: 'Activate your account first, with the link we mailed you.',
  },
  step_up_required: { status: 403, message: 'Confirm it is you with one of your factors first.' },
  enrollment_required: { status: 403, message: 'Set up multi-factor authentication first.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  not_found: { status: 404, message: 'Not found.' },
  login_not_found: { status: 404, message: 'This sign-in attempt does not exist. Start again.' },
  factor_not_found: { status: 404, message: 'This factor does not exist.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  last_factor: { status: 409, message: 'You cannot remove your last factor.' },
  already_decided: { status: 409, message: 'This request has already been decided.' },
  login_expired: { status: 410, message: 'This sign-in attempt has expired. Start again.' },
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
