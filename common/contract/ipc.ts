import { z } from 'zod';
import { clientErrorCodes, errorCodes } from './errors';
import { authenticatorChannels, authenticatorEvents } from './ipc-authenticator';
import { idField } from './fields';
import {
  activatedResponse,
  activationResendRequest,
  activationSentResponse,
  addFactorRequest,
  addFactorResponse,
  challengeResponse,
  devicesResponse,
  emailConfirmedResponse,
  factorView,
  loginFactor,
  meResponse,
  mfaResetRequested,
  resendResponse,
  resetFactorVerified,
  resetSentResponse,
  serverInfo,
  sessionScope,
  signupRequest,
  stepUpVerified,
  updateMeRequest,
  verificationSentResponse,
} from './http';

/**
 * The desktop app's one IPC contract: channel name -> request and response schema. Main registers a
 * handler per channel through one checked `handle()`, the preload exposes exactly these channels, the
 * web host serves the same router over a WebSocket. Nothing here ever carries a session token, a
 * trusted-device token or a secret of the local authenticator (docs/security.md 22): main keeps those.
 */

const none = z.object({}).strict();
const done = z.object({}).strict();
const code = z.string().trim().min(1).max(40);
/** A token, or the whole link pasted from a mail (http(s)://… or wem-account://…). */
const pastedLink = z.string().trim().min(1).max(2000);
const password = z.string().min(1).max(4096);

export const serverUrlField = z.string().trim().min(1).max(2000);

export const settingsView = z.object({
  serverUrl: z.string(),
  lastEmail: z.string().nullable(),
  language: z.enum(['system', 'en', 'nl']),
  theme: z.enum(['system', 'light', 'dark']),
});
export type SettingsView = z.infer<typeof settingsView>;

export const appStatus = z.object({
  version: z.string(),
  serverUrl: z.string(),
  online: z.boolean(),
  signedIn: z.boolean(),
  scope: sessionScope.nullable(),
  email: z.string().nullable(),
});
export type AppStatus = z.infer<typeof appStatus>;

export const loginStart = z.discriminatedUnion('state', [
  z.object({ state: z.literal('authenticated'), trustedComputer: z.boolean() }),
  z.object({ state: z.literal('mfa_required'), expiresAt: z.string(), factors: z.array(loginFactor) }),
  z.object({ state: z.literal('mfa_enrollment_required') }),
]);
export type LoginStart = z.infer<typeof loginStart>;

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const ipcChannels = {
  'app.status': channel(none, appStatus),
  /** The server's own words for the screens (GET /v1/info), asked once per server address. */
  'server.info': channel(none, serverInfo),
  'settings.get': channel(none, settingsView),
  'settings.update': channel(
    z
      .object({
        serverUrl: serverUrlField,
        language: settingsView.shape.language,
        theme: settingsView.shape.theme,
      })
      .partial()
      .strict(),
    settingsView,
  ),
  /** A form's unticked terms box arrives as false and is refused in main, next to the box. */
  'signup.create': channel(signupRequest.extend({ acceptTerms: z.boolean() }), activationSentResponse),
  'signup.resendActivation': channel(activationResendRequest, activationSentResponse),
  /** The token, or the whole link pasted from the mail (http(s)://…/activate?token= or wem-account://). */
  'activation.activate': channel(
    // `password` when the server asked for one (activation_password_required: a contested signup).
    z
      .object({ input: z.string().trim().min(1).max(2000), password: z.string().min(1).max(4096).optional() })
      .strict(),
    activatedResponse,
  ),
  'login.start': channel(
    z.object({ email: z.string().max(400), password: z.string().min(1).max(4096) }).strict(),
    loginStart,
  ),
  'login.challenge': channel(z.object({ factorId: idField }).strict(), challengeResponse),
  'login.verify': channel(
    z.object({ factorId: idField, code, trustDevice: z.boolean() }).strict(),
    z.object({ state: z.literal('authenticated'), trustedComputer: z.boolean() }),
  ),
  'login.requestMfaReset': channel(z.object({ reason: z.string().max(2000) }).strict(), mfaResetRequested),
  /** "Back to sign in" from a login that still owes a factor: main forgets it (nothing is sent). */
  'login.cancel': channel(none, done),
  /**
   * Forgot password (docs/api.md "Account lifecycle"). The answer is the same for every address. The
   * link's resetId stays in main like a loginId; the renderer only learns which factors to choose from
   * (none: the link alone will do, the account never finished enrolling).
   */
  'password.forgot': channel(
    z.object({ email: z.string().trim().min(1).max(400) }).strict(),
    resetSentResponse,
  ),
  'password.openReset': channel(
    z.object({ input: pastedLink }).strict(),
    z.object({ expiresAt: z.string(), factors: z.array(loginFactor) }),
  ),
  'password.challenge': channel(z.object({ factorId: idField }).strict(), challengeResponse),
  'password.verify': channel(z.object({ factorId: idField, code }).strict(), resetFactorVerified),
  /** Uses the link: every session and trusted computer of the account ends, this app's too. */
  'password.completeReset': channel(z.object({ password }).strict(), done),
  /** "Back to sign in" from a reset under way: main forgets its resetId (nothing is sent). */
  'password.cancelReset': channel(none, done),
  /** Explicit sign-out: ends the session and forgets this computer (keychain entry and server side). */
  'session.logout': channel(none, done),
  'me.get': channel(none, meResponse),
  /**
   * What me.get and devices.list last answered in this session, for reading while offline; kept in
   * main's memory only (never on disk) and dropped when the session ends. Null when there is none.
   */
  'me.cached': channel(
    none,
    z.object({ me: meResponse, devices: devicesResponse.nullable(), savedAt: z.string() }).nullable(),
  ),
  /** Name, company and language; only the fields given change (PATCH /v1/me). */
  'me.update': channel(updateMeRequest.strict(), meResponse),
  /** Privileged: this session stays, every other session and trusted computer ends (this one's too). */
  'me.changePassword': channel(z.object({ currentPassword: password, newPassword: password }).strict(), done),
  'me.changeEmail': channel(
    z.object({ newEmail: z.string().trim().min(1).max(400), password }).strict(),
    verificationSentResponse,
  ),
  /** The token, or the whole confirm-email link pasted from the mail to the new address. */
  'me.confirmEmail': channel(z.object({ input: pastedLink }).strict(), emailConfirmedResponse),
  /** Privileged: removes the account; this app is signed out and forgets this computer's trust. */
  'me.delete': channel(z.object({ password }).strict(), done),
  'factors.add': channel(addFactorRequest, addFactorResponse),
  'factors.verify': channel(
    z.object({ factorId: idField, code }).strict(),
    z.object({ factor: factorView, enrollmentComplete: z.boolean() }),
  ),
  'factors.resend': channel(z.object({ factorId: idField }).strict(), resendResponse),
  'factors.remove': channel(z.object({ factorId: idField }).strict(), done),
  'stepUp.challenge': channel(z.object({ factorId: idField }).strict(), challengeResponse),
  'stepUp.verify': channel(z.object({ factorId: idField, code }).strict(), stepUpVerified),
  'devices.list': channel(none, devicesResponse),
  'devices.revoke': channel(z.object({ deviceId: idField }).strict(), done),
  'devices.revokeAll': channel(none, done),
  /** The first-party apps the desktop can open signed in (GET /v1/apps); their launch URLs stay in main. */
  'apps.list': channel(none, z.array(z.object({ clientId: z.string(), name: z.string() }))),
  /**
   * Opens the app in the system browser already signed in: main asks POST /v1/handoff and opens the
   * one-time URL itself. The answer never carries that URL or its ticket (docs/security.md 77).
   */
  'apps.open': channel(
    z.object({ clientId: z.string().trim().min(1).max(100) }).strict(),
    z.object({ opened: z.literal(true) }).strict(),
  ),
  ...authenticatorChannels,
} as const;

export type IpcChannel = keyof typeof ipcChannels;
export const ipcChannelNames = Object.keys(ipcChannels) as IpcChannel[];
export type IpcRequest<C extends IpcChannel> = z.input<(typeof ipcChannels)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.output<(typeof ipcChannels)[C]['response']>;

/** Every reply is an envelope: a value, or an error with a code from either catalogue. */
export const ipcError = z.object({
  code: z.enum([...errorCodes, ...clientErrorCodes]),
  message: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
  reasons: z.array(z.string()).optional(),
  attemptsLeft: z.number().int().optional(),
  retryAfterSeconds: z.number().int().optional(),
});
export type IpcError = z.infer<typeof ipcError>;
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Events main sends to the renderer. */
export const ipcEvents = {
  /** A wem-account:// link was opened (second instance, open-url, or the web host's stand-in). */
  deepLink: z.object({
    kind: z.enum(['activate', 'reset-password', 'confirm-email']),
    token: z.string().max(400),
  }),
  connectivity: z.object({ online: z.boolean() }),
  /** The session ended without the user asking (expired, revoked elsewhere): show sign-in. */
  sessionEnded: z.object({ reason: z.enum(['expired', 'revoked']) }),
  ...authenticatorEvents,
} as const;
export type IpcEvent = keyof typeof ipcEvents;
export type IpcEventPayload<E extends IpcEvent> = z.infer<(typeof ipcEvents)[E]>;
