import { z } from 'zod';
import { errorCodes } from './errors';
import {
  cleanText,
  emailField,
  idField,
  isoTime,
  localeField,
  passwordField,
  requiredText,
  tokenField,
} from './fields';

/**
 * The HTTP contract of the account API (docs/api.md), one schema per request and response. The server
 * validates with these, the desktop client types itself from them, /openapi.json is generated from them.
 */

export const errorBody = z
  .object({
    error: z
      .object({
        code: z.enum(errorCodes),
        message: z.string(),
        fields: z.record(z.string(), z.string()).optional(),
        reasons: z.array(z.string()).optional(),
        attemptsLeft: z.number().int().optional(),
        retryAfterSeconds: z.number().int().optional(),
      })
      .loose(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;

export const healthResponse = z.object({ status: z.literal('ok') });

/**
 * GET /v1/info: what a client tells its users in this server's words, so no client hard-codes it: how
 * long an activation link works, and where to write for help (docs/api.md).
 */
export const serverInfo = z.object({
  activationLinkValidSeconds: z.number().int().positive(),
  supportEmail: z.string(),
});
export type ServerInfo = z.infer<typeof serverInfo>;

/** GET /readyz: the instance can serve (database answers, schema current); else 503 service_unavailable. */
export const readyResponse = z.object({ status: z.literal('ready') });

// --- Signup and activation ---------------------------------------------------------------------

export const signupRequest = z
  .object({
    firstName: requiredText(100),
    lastName: requiredText(100),
    email: emailField,
    password: passwordField,
    company: cleanText(200)
      .transform((value) => value.trim())
      .optional(),
    locale: localeField.optional(),
    acceptTerms: z.literal(true, { error: 'must_accept' }),
  })
  .meta({ id: 'SignupRequest' });
export type SignupRequest = z.input<typeof signupRequest>;

export const activationSentResponse = z.object({ status: z.literal('activation_sent') });

/**
 * Any string is a well-formed request here: a token that is not one of ours is the contract's
 * `activation_invalid` (docs/api.md), which the service decides, not a `validation_failed`.
 */
export const activationRequest = z
  .object({
    token: z.string().min(1, { error: 'required' }).max(200, { error: 'too_long' }),
    /**
     * The password, chosen by whoever holds the mailbox (docs/security.md 31). Optional: without it the
     * signup's own password is kept, except on a contested account (`activation_password_required`).
     */
    password: passwordField.optional(),
  })
  .meta({ id: 'ActivationRequest' });
export const activatedResponse = z.object({ status: z.literal('activated') });

export const activationResendRequest = z
  .object({ email: emailField })
  .meta({ id: 'ActivationResendRequest' });

// --- Sessions and login ------------------------------------------------------------------------

export const sessionScope = z.enum(['full', 'enrollment']);
export type SessionScope = z.infer<typeof sessionScope>;

export const sessionView = z
  .object({ token: z.string(), expiresAt: isoTime, scope: sessionScope })
  .meta({ id: 'Session' });
export type SessionView = z.infer<typeof sessionView>;

export const factorType = z.enum(['email', 'sms', 'totp', 'recovery_codes']);
export type FactorType = z.infer<typeof factorType>;
/** Recovery codes are a fallback: they never count as the factor an account must keep. */
export const countingFactorType = factorType.exclude(['recovery_codes']);

export const loginFactor = z.object({ id: z.string(), type: factorType, label: z.string() });

export const loginRequest = z
  .object({ email: emailField, password: passwordField, deviceToken: tokenField.optional() })
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.input<typeof loginRequest>;

export const loginResponse = z
  .discriminatedUnion('state', [
    z.object({ state: z.literal('authenticated'), session: sessionView }),
    z.object({
      state: z.literal('mfa_required'),
      loginId: z.string(),
      expiresAt: isoTime,
      factors: z.array(loginFactor),
    }),
    z.object({ state: z.literal('mfa_enrollment_required'), session: sessionView }),
  ])
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof loginResponse>;

export const logoutRequest = z.object({ deviceToken: tokenField.optional() }).meta({ id: 'LogoutRequest' });

// --- Me ----------------------------------------------------------------------------------------

export const factorStatus = z.enum(['pending', 'active']);

export const meFactor = z.object({
  id: z.string(),
  type: factorType,
  label: z.string(),
  status: factorStatus,
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
});

export const meResponse = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    company: z.string().nullable(),
    locale: localeField,
    createdAt: isoTime,
    factors: z.array(meFactor),
    minRecommendedFactors: z.literal(2),
    session: z.object({ scope: sessionScope, expiresAt: isoTime, privilegedUntil: isoTime.nullable() }),
  })
  .meta({ id: 'Me' });
export type MeResponse = z.infer<typeof meResponse>;

// --- Second factors (MFA) ---------------------------------------------------------------------

const codeField = z
  .string()
  .trim()
  .min(1, { error: 'required' })
  .max(40, { error: 'too_long' })
  .refine((value) => /^[\p{L}\p{N}\s-]+$/u.test(value), { error: 'invalid' });

export const challengeRequest = z.object({ factorId: idField }).meta({ id: 'ChallengeRequest' });
/**
 * A challenge, by factor type: a code that was sent says where and when the next may be asked for; an
 * authenticator app or a recovery code sends nothing, so its answer has neither.
 */
export const sendingFactorType = z.enum(['email', 'sms']);
export type SendingFactorType = z.infer<typeof sendingFactorType>;
export const isSendingType = (type: FactorType): type is SendingFactorType =>
  (sendingFactorType.options as readonly FactorType[]).includes(type);

export const challengeResponse = z
  .discriminatedUnion('type', [
    z.object({
      factorId: z.string(),
      type: sendingFactorType,
      sentTo: z.string(),
      expiresAt: isoTime,
      resendAfter: isoTime,
    }),
    z.object({
      factorId: z.string(),
      type: factorType.exclude(sendingFactorType.options),
      expiresAt: isoTime,
    }),
  ])
  .meta({ id: 'Challenge' });
export type ChallengeResponse = z.infer<typeof challengeResponse>;

export const trustedDeviceIssued = z.object({ id: z.string(), token: z.string(), expiresAt: isoTime });

export const loginVerifyRequest = z
  .object({
    factorId: idField,
    code: codeField,
    trustDevice: z.boolean().optional(),
    deviceName: cleanText(100).optional(),
  })
  .meta({ id: 'LoginVerifyRequest' });
export const loginVerifyResponse = z
  .object({
    state: z.literal('authenticated'),
    session: sessionView,
    trustedDevice: trustedDeviceIssued.optional(),
  })
  .meta({ id: 'LoginVerified' });
export type LoginVerifyResponse = z.infer<typeof loginVerifyResponse>;

export const mfaResetRequestBody = z
  .object({
    reason: requiredText(2000, { multiline: true }).pipe(z.string().min(10, { error: 'too_short' })),
  })
  .meta({ id: 'MfaResetRequestBody' });
export const mfaResetRequested = z.object({ requestId: z.string(), status: z.literal('pending') });

export const stepUpVerifyRequest = z
  .object({ factorId: idField, code: codeField })
  .meta({ id: 'StepUpVerifyRequest' });
export const stepUpVerified = z.object({ privilegedUntil: isoTime });

export const addFactorRequest = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('totp'), label: cleanText(60).optional() }),
    z.object({ type: z.literal('email'), email: z.string().max(400) }),
    z.object({
      type: z.literal('sms'),
      phone: z.string().max(40),
      /** Where a number without +country code is from (ISO 3166 alpha-2); default: the account's locale. */
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, { error: 'invalid' })
        .optional(),
    }),
    z.object({ type: z.literal('recovery_codes') }),
  ])
  .meta({ id: 'AddFactorRequest' });
export type AddFactorRequest = z.infer<typeof addFactorRequest>;

export const factorView = z.object({
  id: z.string(),
  type: factorType,
  label: z.string(),
  status: factorStatus,
});
/** Where a code went, when it stops working and when another may be asked for. */
export const resendResponse = z.object({ sentTo: z.string(), expiresAt: isoTime, resendAfter: isoTime });

/**
 * What adding a factor answers, by the added factor's type (docs/api.md): an authenticator's secret, where
 * an email or SMS code went, or the recovery codes, shown once. The type is `factor.type`, so this is a
 * plain union (zod's discriminated union needs a top-level key, which the wire format does not have).
 */
export const addFactorResponse = z
  .union([
    z.object({
      factor: factorView.extend({ type: z.literal('totp') }),
      secret: z.string(),
      otpauthUri: z.string(),
    }),
    z.object({
      factor: factorView.extend({ type: z.enum(['email', 'sms']) }),
      ...resendResponse.shape,
    }),
    z.object({
      factor: factorView.extend({ type: z.literal('recovery_codes') }),
      codes: z.array(z.string()),
    }),
  ])
  .meta({ id: 'AddFactorResponse' });
export type AddFactorResponse = z.infer<typeof addFactorResponse>;
/** The answer to adding an authenticator app: its secret, to scan or type. */
export type TotpAdded = Extract<AddFactorResponse, { secret: string }>;

export const verifyFactorRequest = z.object({ code: codeField }).meta({ id: 'VerifyFactorRequest' });
export const verifyFactorResponse = z.object({ factor: factorView, session: sessionView.optional() });

export const deviceView = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: isoTime,
    lastUsedAt: isoTime.nullable(),
    expiresAt: isoTime,
    current: z.boolean(),
  })
  .meta({ id: 'TrustedDevice' });
export const devicesResponse = z.array(deviceView);

// --- Login portal ------------------------------------------------------------------------------

/** A first-party application the desktop app can open already signed in (docs/api.md, "Login portal"). */
export const appView = z
  .object({ clientId: z.string(), name: z.string(), launchUrl: z.string() })
  .meta({ id: 'App' });
export const appsResponse = z.array(appView);
export type AppView = z.infer<typeof appView>;
export const handoffRequest = z
  .object({ clientId: z.string().trim().min(1).max(100) })
  .meta({ id: 'HandoffRequest' });
export const handoffResponse = z.object({ url: z.string(), expiresAt: isoTime }).meta({ id: 'Handoff' });

// --- Support -----------------------------------------------------------------------------------

export const resetRequestStatus = z.enum(['pending', 'approved', 'denied']);
export const resetRequestView = z
  .object({
    id: z.string(),
    accountId: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    reason: z.string(),
    status: resetRequestStatus,
    createdAt: isoTime,
    decidedAt: isoTime.nullable(),
    decidedBy: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'MfaResetRequest' });
export const resetRequestList = z.array(resetRequestView);
export const resetRequestQuery = z.object({ status: resetRequestStatus.optional() });
export const decisionRequest = z
  .object({ note: requiredText(2000, { multiline: true }) })
  .meta({ id: 'DecisionRequest' });

export const auditEntryView = z.object({
  id: z.string(),
  at: isoTime,
  accountId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
export const auditQuery = z.object({
  accountId: idField.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export const auditList = z.array(auditEntryView);

// --- Account lifecycle (docs/api.md "Account lifecycle") ---------------------------------------

/** A mailed link's token; anything that is not one of ours is the service's `*_invalid`, not a 400. */
const linkToken = z.string().min(1, { error: 'required' }).max(200, { error: 'too_long' });

export const passwordResetRequest = z.object({ email: emailField }).meta({ id: 'PasswordResetRequest' });
export const resetSentResponse = z.object({ status: z.literal('reset_sent') });

export const passwordResetVerifyRequest = z
  .object({ token: linkToken })
  .meta({ id: 'PasswordResetVerifyRequest' });
/** The factor step of a reset: `factors` is empty when the account has none yet (the link alone will do). */
export const passwordResetStarted = z
  .object({ resetId: z.string(), expiresAt: isoTime, factors: z.array(loginFactor) })
  .meta({ id: 'PasswordResetStarted' });
export type PasswordResetStarted = z.infer<typeof passwordResetStarted>;

export const resetVerifyFactorRequest = z
  .object({ factorId: idField, code: codeField })
  .meta({ id: 'ResetVerifyFactorRequest' });
export const resetFactorVerified = z.object({ verified: z.literal(true) });

export const passwordResetCompleteRequest = z
  .object({ password: passwordField })
  .meta({ id: 'PasswordResetCompleteRequest' });

export const changePasswordRequest = z
  .object({ currentPassword: passwordField, newPassword: passwordField })
  .meta({ id: 'ChangePasswordRequest' });

/** PATCH /v1/me: only the fields given change; an empty company clears it. */
export const updateMeRequest = z
  .object({
    firstName: requiredText(100).optional(),
    lastName: requiredText(100).optional(),
    company: cleanText(200)
      .transform((value) => value.trim())
      .optional(),
    locale: localeField.optional(),
  })
  .meta({ id: 'UpdateMeRequest' });
export type UpdateMeRequest = z.input<typeof updateMeRequest>;

export const changeEmailRequest = z
  .object({ newEmail: emailField, password: passwordField })
  .meta({ id: 'ChangeEmailRequest' });
export const verificationSentResponse = z.object({ status: z.literal('verification_sent') });

export const confirmEmailRequest = z.object({ token: linkToken }).meta({ id: 'ConfirmEmailRequest' });
export const emailConfirmedResponse = z.object({ email: z.string() });

export const deleteAccountRequest = z
  .object({ password: passwordField })
  .meta({ id: 'DeleteAccountRequest' });
