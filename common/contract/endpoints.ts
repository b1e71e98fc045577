import { z } from 'zod';
import { statusOf, type ErrorCode } from './errors';
import { idField } from './fields';
import {
  activatedResponse,
  activationRequest,
  activationResendRequest,
  activationSentResponse,
  addFactorRequest,
  addFactorResponse,
  appsResponse,
  auditList,
  auditQuery,
  challengeRequest,
  challengeResponse,
  changeEmailRequest,
  changePasswordRequest,
  confirmEmailRequest,
  deleteAccountRequest,
  emailConfirmedResponse,
  decisionRequest,
  devicesResponse,
  handoffRequest,
  handoffResponse,
  healthResponse,
  loginRequest,
  loginResponse,
  loginVerifyRequest,
  loginVerifyResponse,
  logoutRequest,
  meResponse,
  mfaResetRequestBody,
  mfaResetRequested,
  passwordResetCompleteRequest,
  passwordResetRequest,
  passwordResetStarted,
  passwordResetVerifyRequest,
  readyResponse,
  resendResponse,
  resetFactorVerified,
  resetSentResponse,
  resetVerifyFactorRequest,
  resetRequestList,
  resetRequestQuery,
  resetRequestView,
  serverInfo,
  signupRequest,
  stepUpVerified,
  stepUpVerifyRequest,
  updateMeRequest,
  verificationSentResponse,
  verifyFactorRequest,
  verifyFactorResponse,
} from './http';

/**
 * Every endpoint of the account API (docs/api.md), declared once: the server registers its routes from
 * here, /openapi.json is generated from those routes, and the desktop's portal client builds its requests
 * from here. The activation pages (HTML), /openapi.json and /metrics are not part of this JSON API.
 */

/**
 * Who may call an endpoint: anyone; a full session; a session, also an enrollment one (docs/api.md:
 * only what enrolling needs, docs/security.md 32); a full session of an account with the support role.
 */
export type Access = 'public' | 'session' | 'session-or-enrollment' | 'support';

export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify's spelling: `/v1/login/:loginId/verify`. */
  path: string;
  /** Path values are strings: ids (`idField`). */
  params?: z.ZodObject<Record<string, z.ZodString>>;
  querystring?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201 | 202 | 204;
  /** The success body; `z.null()` for a 204. */
  response: z.ZodType;
  /**
   * The codes this endpoint answers beyond those its access and input imply (see `errorsOf`), from the
   * one catalogue in errors.ts; their HTTP statuses follow from it.
   */
  errors: readonly ErrorCode[];
  access: Access;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** The desktop app calls it: its portal client has a method of the endpoint's name. */
  desktop: boolean;
}

function endpoint<const E extends Endpoint>(declared: E): E {
  return declared;
}

const loginParams = z.object({ loginId: idField });
const resetParams = z.object({ resetId: idField });
const idParams = z.object({ id: idField });
const noContent = z.null();

/** Support's decision on an MFA reset request: the same call but for its last path segment. */
function mfaResetDecision<const D extends 'approve' | 'deny'>(decision: D, summary: string) {
  return endpoint({
    method: 'POST',
    path: `/v1/admin/mfa-reset-requests/:id/${decision}`,
    params: idParams,
    body: decisionRequest,
    status: 200,
    response: resetRequestView,
    errors: ['step_up_required', 'not_found', 'already_decided'],
    access: 'support',
    summary,
    description: 'Needs a factor proven within the last 10 minutes (a step-up), else step_up_required.',
    tags: ['support'],
    desktop: false,
  });
}

export const endpoints = {
  health: endpoint({
    method: 'GET',
    path: '/healthz',
    status: 200,
    response: healthResponse,
    errors: [],
    access: 'public',
    summary: 'Liveness',
    tags: ['operations'],
    desktop: false,
  }),
  info: endpoint({
    method: 'GET',
    path: '/v1/info',
    status: 200,
    response: serverInfo,
    errors: [],
    access: 'public',
    summary: 'What clients say in this server’s words: the activation link lifetime, the support address',
    tags: ['operations'],
    desktop: true,
  }),
  ready: endpoint({
    method: 'GET',
    path: '/readyz',
    status: 200,
    response: readyResponse,
    errors: ['service_unavailable'],
    access: 'public',
    summary: 'Readiness: the database answers and its schema is current',
    tags: ['operations'],
    desktop: false,
  }),

  // --- Signup and activation -------------------------------------------------------------------
  signup: endpoint({
    method: 'POST',
    path: '/v1/accounts',
    body: signupRequest,
    status: 202,
    response: activationSentResponse,
    errors: ['weak_password', 'rate_limited'],
    access: 'public',
    summary: 'Create an account; it stays inactive until the mailed link is used',
    tags: ['accounts'],
    desktop: true,
  }),
  activate: endpoint({
    method: 'POST',
    path: '/v1/activation',
    body: activationRequest,
    status: 200,
    response: activatedResponse,
    errors: [
      'activation_invalid',
      'weak_password',
      'activation_used',
      'activation_password_required',
      'activation_expired',
    ],
    access: 'public',
    summary: 'Activate an account with the token from the mailed link (works once, expires)',
    tags: ['accounts'],
    desktop: true,
  }),
  resendActivation: endpoint({
    method: 'POST',
    path: '/v1/activation/resend',
    body: activationResendRequest,
    status: 202,
    response: activationSentResponse,
    errors: ['rate_limited'],
    access: 'public',
    summary: 'Mail a new activation link (older links stop working); same answer for unknown addresses',
    tags: ['accounts'],
    desktop: true,
  }),

  // --- Login -----------------------------------------------------------------------------------
  login: endpoint({
    method: 'POST',
    path: '/v1/login',
    body: loginRequest,
    status: 200,
    response: loginResponse,
    errors: ['invalid_credentials', 'account_not_activated', 'rate_limited'],
    access: 'public',
    summary: 'Check email and password; answers with the next step of the login',
    tags: ['login'],
    desktop: true,
  }),
  challenge: endpoint({
    method: 'POST',
    path: '/v1/login/:loginId/challenge',
    params: loginParams,
    body: challengeRequest,
    status: 200,
    response: challengeResponse,
    errors: [
      'invalid_phone',
      'login_not_found',
      'factor_not_found',
      'login_expired',
      'resend_too_soon',
      'rate_limited',
      'too_many_attempts',
    ],
    access: 'public',
    summary: 'Choose a factor for this login; email and SMS factors get a code sent',
    tags: ['login'],
    desktop: true,
  }),
  verifyLogin: endpoint({
    method: 'POST',
    path: '/v1/login/:loginId/verify',
    params: loginParams,
    body: loginVerifyRequest,
    status: 200,
    response: loginVerifyResponse,
    errors: ['invalid_code', 'login_not_found', 'factor_not_found', 'login_expired', 'too_many_attempts'],
    access: 'public',
    summary: 'Verify the code of the chosen factor; optionally trust this computer for a week',
    tags: ['login'],
    desktop: true,
  }),
  requestMfaReset: endpoint({
    method: 'POST',
    path: '/v1/login/:loginId/mfa-reset-request',
    params: loginParams,
    body: mfaResetRequestBody,
    status: 202,
    response: mfaResetRequested,
    errors: ['login_not_found', 'login_expired', 'rate_limited', 'too_many_attempts'],
    access: 'public',
    summary: 'No factor at hand: ask support to reset MFA, with a reason',
    tags: ['login'],
    desktop: true,
  }),
  logout: endpoint({
    method: 'POST',
    path: '/v1/logout',
    // Fastify hands a request without a body to the validator as null: both mean "no device token".
    body: logoutRequest.nullish(),
    status: 204,
    response: noContent.describe('Signed out'),
    errors: [],
    access: 'session-or-enrollment',
    summary: 'End this session (and forget the given trusted device)',
    tags: ['login'],
    desktop: true,
  }),

  // --- Me, factors, step-up, devices -----------------------------------------------------------
  me: endpoint({
    method: 'GET',
    path: '/v1/me',
    status: 200,
    response: meResponse,
    errors: [],
    access: 'session-or-enrollment',
    summary: 'The signed-in account, its factors and this session',
    tags: ['me'],
    desktop: true,
  }),
  stepUp: endpoint({
    method: 'POST',
    path: '/v1/me/step-up',
    body: challengeRequest,
    status: 200,
    response: challengeResponse,
    errors: ['invalid_phone', 'factor_not_found', 'resend_too_soon', 'rate_limited'],
    access: 'session',
    summary: 'Start proving a factor again before changing factors',
    tags: ['me'],
    desktop: true,
  }),
  verifyStepUp: endpoint({
    method: 'POST',
    path: '/v1/me/step-up/verify',
    body: stepUpVerifyRequest,
    status: 200,
    response: stepUpVerified,
    errors: ['invalid_code', 'login_not_found', 'factor_not_found', 'login_expired', 'too_many_attempts'],
    access: 'session',
    summary: 'Verify the step-up code: the session may change factors for 10 minutes',
    tags: ['me'],
    desktop: true,
  }),
  addFactor: endpoint({
    method: 'POST',
    path: '/v1/me/factors',
    body: addFactorRequest,
    status: 201,
    response: addFactorResponse,
    errors: ['invalid_email', 'invalid_phone', 'step_up_required', 'enrollment_required', 'rate_limited'],
    access: 'session-or-enrollment',
    summary: 'Add a factor (pending until its first code), or a new set of recovery codes',
    tags: ['me'],
    desktop: true,
  }),
  verifyFactor: endpoint({
    method: 'POST',
    path: '/v1/me/factors/:id/verify',
    params: idParams,
    body: verifyFactorRequest,
    status: 200,
    response: verifyFactorResponse,
    errors: ['invalid_code', 'factor_not_found', 'login_not_found', 'login_expired', 'too_many_attempts'],
    access: 'session-or-enrollment',
    summary: 'Confirm a pending factor with its first code; the first one ends enrollment',
    tags: ['me'],
    desktop: true,
  }),
  resendFactor: endpoint({
    method: 'POST',
    path: '/v1/me/factors/:id/resend',
    params: idParams,
    status: 200,
    response: resendResponse,
    errors: ['factor_not_found', 'login_expired', 'resend_too_soon', 'rate_limited'],
    access: 'session-or-enrollment',
    summary: 'Send a new code to a pending email or SMS factor',
    tags: ['me'],
    desktop: true,
  }),
  removeFactor: endpoint({
    method: 'DELETE',
    path: '/v1/me/factors/:id',
    params: idParams,
    status: 204,
    response: noContent,
    errors: ['step_up_required', 'factor_not_found', 'last_factor'],
    access: 'session',
    summary: 'Remove a factor (never the last email, SMS or authenticator factor)',
    tags: ['me'],
    desktop: true,
  }),
  devices: endpoint({
    method: 'GET',
    path: '/v1/me/devices',
    status: 200,
    response: devicesResponse,
    errors: [],
    access: 'session',
    summary: 'Trusted computers of this account',
    tags: ['me'],
    desktop: true,
  }),
  revokeDevice: endpoint({
    method: 'DELETE',
    path: '/v1/me/devices/:id',
    params: idParams,
    status: 204,
    response: noContent,
    errors: ['not_found'],
    access: 'session',
    summary: 'Stop trusting one computer',
    tags: ['me'],
    desktop: true,
  }),
  revokeAllDevices: endpoint({
    method: 'DELETE',
    path: '/v1/me/devices',
    status: 204,
    response: noContent,
    errors: [],
    access: 'session',
    summary: 'Stop trusting every computer',
    tags: ['me'],
    desktop: true,
  }),

  // --- Account lifecycle -----------------------------------------------------------------------
  requestPasswordReset: endpoint({
    method: 'POST',
    path: '/v1/password-reset',
    body: passwordResetRequest,
    status: 202,
    response: resetSentResponse,
    errors: ['rate_limited'],
    access: 'public',
    summary: 'Mail a password reset link; the same answer for unknown, inactive and active addresses',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  verifyPasswordReset: endpoint({
    method: 'POST',
    path: '/v1/password-reset/verify',
    body: passwordResetVerifyRequest,
    status: 200,
    response: passwordResetStarted,
    errors: ['reset_invalid', 'reset_expired', 'reset_used', 'too_many_attempts'],
    access: 'public',
    summary: 'Check a reset link (without using it) and start its factor step',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  passwordResetChallenge: endpoint({
    method: 'POST',
    path: '/v1/password-reset/:resetId/challenge',
    params: resetParams,
    body: challengeRequest,
    status: 200,
    response: challengeResponse,
    errors: [
      'invalid_phone',
      'reset_invalid',
      'factor_not_found',
      'reset_expired',
      'reset_used',
      'resend_too_soon',
      'rate_limited',
      'too_many_attempts',
    ],
    access: 'public',
    summary: 'Choose a factor for the reset; email and SMS factors get a code sent',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  passwordResetVerifyFactor: endpoint({
    method: 'POST',
    path: '/v1/password-reset/:resetId/verify-factor',
    params: resetParams,
    body: resetVerifyFactorRequest,
    status: 200,
    response: resetFactorVerified,
    errors: [
      'invalid_code',
      'reset_invalid',
      'factor_not_found',
      'reset_expired',
      'reset_used',
      'too_many_attempts',
    ],
    access: 'public',
    summary: 'Prove a factor for the reset (no session is made)',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  completePasswordReset: endpoint({
    method: 'POST',
    path: '/v1/password-reset/:resetId/complete',
    params: resetParams,
    body: passwordResetCompleteRequest,
    status: 204,
    response: noContent,
    errors: ['weak_password', 'reset_invalid', 'factor_required', 'reset_used', 'reset_expired'],
    access: 'public',
    summary: 'Set the new password: uses the link, ends every session and trusted computer',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  changePassword: endpoint({
    method: 'POST',
    path: '/v1/me/password',
    body: changePasswordRequest,
    status: 204,
    response: noContent,
    errors: ['weak_password', 'invalid_credentials', 'step_up_required'],
    access: 'session',
    summary: 'Change the password; other sessions and every trusted computer are ended',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  updateMe: endpoint({
    method: 'PATCH',
    path: '/v1/me',
    body: updateMeRequest,
    status: 200,
    response: meResponse,
    errors: [],
    access: 'session',
    summary: 'Change name, company or language (mails follow the language)',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  changeEmail: endpoint({
    method: 'POST',
    path: '/v1/me/email',
    body: changeEmailRequest,
    status: 202,
    response: verificationSentResponse,
    errors: ['invalid_credentials', 'step_up_required', 'rate_limited'],
    access: 'session',
    summary: 'Mail a confirmation link to a new address; the same answer when it is taken',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  confirmEmailChange: endpoint({
    method: 'POST',
    path: '/v1/me/email/confirm',
    body: confirmEmailRequest,
    status: 200,
    response: emailConfirmedResponse,
    errors: ['email_change_invalid', 'email_change_used', 'email_taken', 'email_change_expired'],
    access: 'public',
    summary: 'Confirm the new address with the token from the mailed link (works once, expires)',
    tags: ['account lifecycle'],
    desktop: true,
  }),
  deleteAccount: endpoint({
    method: 'DELETE',
    path: '/v1/me',
    body: deleteAccountRequest,
    status: 204,
    response: noContent,
    errors: ['invalid_credentials', 'step_up_required'],
    access: 'session',
    summary: 'Delete the account and everything of it; the address may sign up again',
    tags: ['account lifecycle'],
    desktop: true,
  }),

  // --- Login portal ----------------------------------------------------------------------------
  apps: endpoint({
    method: 'GET',
    path: '/v1/apps',
    status: 200,
    response: appsResponse,
    errors: [],
    access: 'session-or-enrollment',
    summary: 'First-party applications the desktop app can open already signed in',
    tags: ['portal'],
    desktop: true,
  }),
  handoff: endpoint({
    method: 'POST',
    path: '/v1/handoff',
    body: handoffRequest,
    status: 201,
    response: handoffResponse,
    // An enrollment session is refused with `forbidden` (docs/api.md): it must not open other apps.
    errors: ['client_not_found', 'forbidden'],
    access: 'session-or-enrollment',
    summary: 'A one-time portal address that signs the browser in and opens the application',
    description:
      'The ticket in the address is single use, lives 60 seconds and is bound to this account and the client.',
    tags: ['portal'],
    desktop: true,
  }),

  // --- Support ---------------------------------------------------------------------------------
  listMfaResetRequests: endpoint({
    method: 'GET',
    path: '/v1/admin/mfa-reset-requests',
    querystring: resetRequestQuery,
    status: 200,
    response: resetRequestList,
    errors: [],
    access: 'support',
    summary: 'MFA reset requests, optionally by status',
    tags: ['support'],
    desktop: false,
  }),
  approveMfaReset: mfaResetDecision(
    'approve',
    'Approve: remove every factor, session and trusted computer; the user enrolls again',
  ),
  denyMfaReset: mfaResetDecision('deny', 'Deny: nothing changes; the user is told'),
  auditLog: endpoint({
    method: 'GET',
    path: '/v1/admin/audit',
    querystring: auditQuery,
    status: 200,
    response: auditList,
    errors: [],
    access: 'support',
    summary: 'The audit log, newest first, optionally of one account',
    tags: ['support'],
    desktop: false,
  }),
} as const satisfies Record<string, Endpoint>;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
export type DesktopEndpointName = {
  [N in EndpointName]: Endpoints[N]['desktop'] extends true ? N : never;
}[EndpointName];

export const endpointNames = Object.keys(endpoints) as EndpointName[];
export const desktopEndpointNames = endpointNames.filter(
  (name) => endpoints[name].desktop,
) as DesktopEndpointName[];

/** The codes implied by who may call (docs/security.md 32) and by having input to validate. */
const accessErrors: Record<Access, readonly ErrorCode[]> = {
  public: [],
  'session-or-enrollment': ['unauthenticated'],
  session: ['unauthenticated', 'enrollment_required'],
  support: ['unauthenticated', 'enrollment_required', 'forbidden'],
};

/** Every error code an endpoint may answer, each once. */
export function errorsOf(declared: Endpoint): ErrorCode[] {
  const input = declared.params ?? declared.querystring ?? declared.body;
  const implied: ErrorCode[] = input ? ['validation_failed'] : [];
  return [...new Set([...implied, ...accessErrors[declared.access], ...declared.errors])];
}

/** The error statuses an endpoint may answer, for /openapi.json. */
export function errorStatusesOf(declared: Endpoint): number[] {
  return [...new Set(errorsOf(declared).map(statusOf))].sort((a, b) => a - b);
}

/** The path of a request to `declared`: each `:name` replaced by its value, URL-encoded. */
export function pathOf(declared: Endpoint, params: Record<string, string> = {}): string {
  return declared.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${declared.path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}
