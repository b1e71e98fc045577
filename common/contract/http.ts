import { z } from 'zod';
import { errorCodes } from './errors';
import {
  cleanText,
  emailField,
  isoTime,
  localeField,
  passwordField,
  requiredText,
  tokenField,
} from './fields';

/**
 * The HTTP contract of the account API (API.md), one schema per request and response. The server
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

export const activationRequest = z.object({ token: tokenField }).meta({ id: 'ActivationRequest' });
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
