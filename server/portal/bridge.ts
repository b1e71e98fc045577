import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { messageOf, type ErrorCode } from '../../common/contract/errors';
import { tokenFromPastedLink } from '../../common/domain/mail-links';
import { activationResendRequest, loginRequest, signupRequest } from '../../common/contract/http';
import { ipcChannels, ipcError, type IpcChannel, type IpcResponse } from '../../common/contract/ipc';
import { myDetails } from '../accounts/me';
import { ApiError } from '../http/api-error';
import type { ApiInstance } from '../http/route-types';
import type { Session } from '../sessions/sessions';
import { appendCookie, clearCookie, languageCookie, readCookie, setCookie } from './cookies';
import type { PortalServices } from './portal-services';

/**
 * POST /portal/api/<channel> (docs/api.md, "Login portal"): the desktop renderer's IPC channels, served
 * to the same React screens in a browser. Each channel calls the services the /v1 routes call, with the
 * browser's cookie session instead of a bearer token: the same limits, code budgets and trust rules.
 * Tokens and loginIds live in HttpOnly cookies; no answer carries one (docs/security.md 22).
 */

/** A refusal the desktop app's main process would give (not an API error code). */
class PortalRefusal extends Error {
  constructor(
    readonly code:
      | 'forbidden_sender'
      | 'not_available'
      | 'no_login_in_progress'
      | 'no_reset_in_progress'
      | 'validation_failed',
    readonly fields?: Record<string, string>,
  ) {
    super(code);
  }
}

interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  ip: string;
}

type Handler<C extends IpcChannel> = (
  payload: z.output<(typeof ipcChannels)[C]['request']>,
  call: Call,
) => Promise<IpcResponse<C>>;
type Handlers = { [C in IpcChannel]?: Handler<C> };

/** Codes after which a reset link can do nothing more: the resetId cookie goes too. */
const resetEndedCodes = new Set(['reset_invalid', 'reset_expired', 'reset_used', 'too_many_attempts']);

/** Codes after which the API has forgotten the login: the loginId cookie goes too. */
const loginEndedCodes = new Set(['login_expired', 'login_not_found', 'too_many_attempts']);

/** Channels that only make sense inside the desktop app (the local authenticator). */
function notServed(channel: string): boolean {
  return channel.startsWith('authenticator.');
}

export function portalBridge(app: ApiInstance, s: PortalServices): void {
  const { ctx, cookies, secure } = s;
  const origin = new URL(ctx.config.publicUrl).origin;

  async function session(call: Call, allowEnrollment = false): Promise<Session> {
    const current = await s.browserSession(call.request.headers.cookie);
    if (!current) throw new ApiError('unauthenticated');
    if (current.scope === 'enrollment' && !allowEnrollment) throw new ApiError('enrollment_required');
    return current;
  }

  function keepSession(call: Call, token: string): void {
    setCookie(call.reply, cookies.session, token, { secure });
  }

  function pendingLogin(call: Call): string {
    const loginId = readCookie(call.request, cookies.login);
    if (!loginId) throw new PortalRefusal('no_login_in_progress');
    return loginId;
  }

  function pendingReset(call: Call): string {
    const resetId = readCookie(call.request, cookies.reset);
    if (!resetId) throw new PortalRefusal('no_reset_in_progress');
    return resetId;
  }

  function dropResetOn(call: Call) {
    return (error: unknown): never => {
      if (error instanceof ApiError && resetEndedCodes.has(error.code))
        clearCookie(call.reply, cookies.reset, secure);
      throw error;
    };
  }

  function dropLoginOn(call: Call) {
    return (error: unknown): never => {
      if (error instanceof ApiError && loginEndedCodes.has(error.code))
        clearCookie(call.reply, cookies.login, secure);
      throw error;
    };
  }

  async function endCurrentSession(call: Call): Promise<void> {
    const current = await s.browserSession(call.request.headers.cookie);
    if (current) await s.sessions.revoke(ctx.db, current.id);
  }

  function settingsView(call: Call, language?: string): IpcResponse<'settings.get'> {
    const stored = language ?? readCookie(call.request, languageCookie);
    return {
      serverUrl: ctx.config.publicUrl,
      lastEmail: null,
      language: stored === 'en' || stored === 'nl' ? stored : 'system',
      theme: 'system',
    };
  }

  const handlers: Handlers = {
    'app.status': async (_payload, call) => {
      const current = await s.browserSession(call.request.headers.cookie);
      const account = current ? await s.emailOf(current.accountId) : null;
      return {
        version: s.version,
        serverUrl: ctx.config.publicUrl,
        online: true,
        signedIn: current !== undefined,
        scope: current?.scope ?? null,
        email: account,
      };
    },

    'settings.get': async (_payload, call) => settingsView(call),

    // What GET /v1/info tells the desktop app: the texts of the expired-link and help screens.
    'server.info': async () => ({
      activationLinkValidSeconds: Math.floor(ctx.config.activationLinkTtlMs / 1000),
      supportEmail: ctx.config.supportEmail,
    }),

    'settings.update': async (patch, call) => {
      if (patch.serverUrl !== undefined) throw new PortalRefusal('not_available');
      if (patch.language !== undefined)
        setCookie(call.reply, languageCookie, patch.language, {
          secure,
          maxAge: 365 * 86_400,
          httpOnly: false,
        });
      return settingsView(call, patch.language);
    },

    'signup.create': async ({ acceptTerms, ...rest }, call) => {
      if (!acceptTerms) throw new PortalRefusal('validation_failed', { acceptTerms: 'must_accept' });
      await s.signup.signup(parsed(signupRequest, { ...rest, acceptTerms }), call.ip);
      return { status: 'activation_sent' as const };
    },

    'signup.resendActivation': async (payload, call) => {
      await s.activation.resend(parsed(activationResendRequest, payload).email, call.ip);
      return { status: 'activation_sent' as const };
    },

    'activation.activate': async ({ input, password }, call) => {
      await s.activation.activate(linkToken(input, 'activate', 'activation_invalid'), password, call.ip);
      return { status: 'activated' as const };
    },

    // Forgot password (docs/api.md "Account lifecycle"): the link opens a factor step; its resetId lives
    // in an HttpOnly cookie like a loginId, and no answer carries it.
    'password.forgot': async ({ email }, call) => {
      await s.resets.request(email, call.ip);
      return { status: 'reset_sent' as const };
    },

    'password.openReset': async ({ input }, call) => {
      const started = await s.resets.verify(linkToken(input, 'reset-password', 'reset_invalid'));
      setCookie(call.reply, cookies.reset, started.resetId, { secure });
      return { expiresAt: started.expiresAt, factors: started.factors };
    },

    'password.challenge': async ({ factorId }, call) =>
      s.resets.challenge(pendingReset(call), factorId, call.ip).catch(dropResetOn(call)),

    'password.verify': async ({ factorId, code }, call) => {
      await s.resets.verifyFactor(pendingReset(call), factorId, code, call.ip).catch(dropResetOn(call));
      return { verified: true as const };
    },

    'password.completeReset': async ({ password }, call) => {
      await s.resets.complete(pendingReset(call), password, call.ip).catch(dropResetOn(call));
      // Every session and trusted device of the account ended: this browser's cookies go with them.
      for (const cookie of s.clearAll()) appendCookie(call.reply, cookie);
      return {};
    },

    'password.cancelReset': async (_payload, call) => {
      clearCookie(call.reply, cookies.reset, secure);
      return {};
    },

    'me.update': async (changes, call) => s.changes.updateProfile(await session(call), changes),

    'me.changePassword': async ({ currentPassword, newPassword }, call) => {
      await s.changes.changePassword(await session(call), currentPassword, newPassword, call.ip);
      // This session stays; every trusted device ended, this browser's too.
      clearCookie(call.reply, cookies.trusted, secure);
      return {};
    },

    'me.changeEmail': async ({ newEmail, password }, call) => {
      await s.changes.requestEmailChange(await session(call), newEmail, password, call.ip);
      return { status: 'verification_sent' as const };
    },

    'me.confirmEmail': async ({ input }, call) =>
      s.changes.confirmEmailChange(linkToken(input, 'confirm-email', 'email_change_invalid'), call.ip),

    'me.delete': async ({ password }, call) => {
      await s.deletion.deleteOwn(await session(call), password, call.ip);
      for (const cookie of s.clearAll()) appendCookie(call.reply, cookie);
      return {};
    },

    'login.start': async ({ email, password }, call) => {
      // A new sign-in gets a new session id (docs/security.md 47): the browser's old session ends.
      await endCurrentSession(call);
      clearCookie(call.reply, cookies.login, secure);
      // A relying party that asked for a fresh factor (prompt=login, max_age, an essential acr) gets one:
      // the trusted cookie is not offered (docs/security.md 41).
      const fresh = readCookie(call.request, cookies.fresh) !== undefined;
      const deviceToken = fresh ? undefined : readCookie(call.request, cookies.trusted);
      const input = parsed(loginRequest, { email, password });
      const answer = await s.login.login({ ...input, ...(deviceToken ? { deviceToken } : {}) }, call.ip);
      switch (answer.state) {
        case 'authenticated':
          keepSession(call, answer.session.token);
          return { state: 'authenticated', trustedComputer: deviceToken !== undefined };
        case 'mfa_required':
          setCookie(call.reply, cookies.login, answer.loginId, { secure });
          return { state: 'mfa_required', expiresAt: answer.expiresAt, factors: answer.factors };
        case 'mfa_enrollment_required':
          keepSession(call, answer.session.token);
          return { state: 'mfa_enrollment_required' };
      }
    },

    'login.challenge': async ({ factorId }, call) =>
      s.mfaLogin.challenge(pendingLogin(call), factorId, call.ip).catch(dropLoginOn(call)),

    'login.requestMfaReset': async ({ reason }, call) =>
      s.mfaLogin.requestReset(pendingLogin(call), reason, call.ip).catch(dropLoginOn(call)),

    'login.verify': async ({ factorId, code, trustDevice }, call) => {
      const answer = await s.mfaLogin
        .verify(
          pendingLogin(call),
          { factorId, code, trustDevice, ...(trustDevice ? { deviceName: browserName(call.request) } : {}) },
          call.ip,
        )
        .catch(dropLoginOn(call));
      clearCookie(call.reply, cookies.login, secure);
      clearCookie(call.reply, cookies.fresh, secure);
      keepSession(call, answer.session.token);
      if (answer.trustedDevice) {
        // Fixed lifetime, like the desktop's: the cookie ends when the device does (docs/api.md).
        const seconds = Math.floor((Date.parse(answer.trustedDevice.expiresAt) - ctx.clock.now()) / 1000);
        setCookie(call.reply, cookies.trusted, answer.trustedDevice.token, { secure, maxAge: seconds });
      }
      return { state: 'authenticated', trustedComputer: answer.trustedDevice !== undefined };
    },

    // "Back to sign in" while a factor is owed: the browser forgets the login (its cookie) as main does.
    'login.cancel': async (_payload, call) => {
      clearCookie(call.reply, cookies.login, secure);
      return {};
    },

    'session.logout': async (_payload, call) => {
      for (const cookie of await s.signOut(call.request.headers.cookie, call.ip))
        appendCookie(call.reply, cookie);
      return {};
    },

    'me.get': async (_payload, call) => myDetails(ctx.db, await session(call, true)),

    // The page keeps nothing for offline reading: a browser without the server has no portal.
    'me.cached': async () => null,

    'factors.add': async (payload, call) => s.factors.add(await session(call, true), payload, call.ip),

    'factors.verify': async ({ factorId, code }, call) => {
      const answer = await s.factors.verify(await session(call, true), factorId, code, call.ip);
      if (answer.session) keepSession(call, answer.session.token);
      return { factor: answer.factor, enrollmentComplete: answer.session?.scope === 'full' };
    },

    'factors.resend': async ({ factorId }, call) =>
      s.factors.resend(await session(call, true), factorId, call.ip),

    'factors.remove': async ({ factorId }, call) => {
      await s.factors.remove(await session(call), factorId, call.ip);
      return {};
    },

    'stepUp.challenge': async ({ factorId }, call) =>
      s.stepUp.challenge(await session(call), factorId, call.ip),

    'stepUp.verify': async ({ factorId, code }, call) =>
      s.stepUp.verify(await session(call), factorId, code, call.ip),

    'devices.list': async (_payload, call) => {
      const current = await session(call);
      return s.devices.list(ctx.db, current.accountId, current.trustedDeviceId);
    },

    'devices.revoke': async ({ deviceId }, call) => {
      const current = await session(call);
      if (!(await s.devices.revoke(ctx.db, current.accountId, deviceId, current.id)))
        throw new ApiError('not_found');
      await ctx.audit.record(ctx.db, {
        accountId: current.accountId,
        actor: 'user',
        action: 'mfa.device_revoked',
        detail: { deviceId },
        ip: call.ip,
      });
      return {};
    },

    'devices.revokeAll': async (_payload, call) => {
      const current = await session(call);
      await s.devices.revokeAll(ctx.db, current.accountId, current.id);
      await ctx.audit.record(ctx.db, {
        accountId: current.accountId,
        actor: 'user',
        action: 'mfa.device_revoked',
        detail: { deviceId: 'all' },
        ip: call.ip,
      });
      // This browser was one of them.
      clearCookie(call.reply, cookies.trusted, secure);
      return {};
    },
  };

  app.post<{ Params: { channel: string } }>(
    '/portal/api/:channel',
    { schema: { hide: true } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const channel = request.params.channel;
      try {
        // CSRF (docs/security.md 45): a custom header cannot cross origins without a preflight, which is
        // never granted; an Origin, when the browser sends one, must be the portal's own.
        const from = request.headers.origin;
        if (request.headers['x-wem-portal'] !== '1' || (from !== undefined && from !== origin)) {
          void reply.status(403);
          throw new PortalRefusal('forbidden_sender');
        }
        if (!Object.hasOwn(ipcChannels, channel) || notServed(channel))
          throw new PortalRefusal('not_available');
        const name = channel as IpcChannel;
        const handler = handlers[name] as Handler<IpcChannel> | undefined;
        if (!handler) throw new PortalRefusal('not_available');
        const input = ipcChannels[name].request.safeParse(request.body ?? {});
        if (!input.success) throw new PortalRefusal('validation_failed', fieldsOf(input.error));
        const value = await handler(input.data, { request, reply, ip: request.ip });
        return { ok: true, value: ipcChannels[name].response.parse(value) };
      } catch (error) {
        return { ok: false, error: envelopeError(error, request) };
      }
    },
  );
}

function parsed<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new PortalRefusal('validation_failed', fieldsOf(result.error));
  return result.data;
}

function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || 'body'] ??= 'invalid';
  return fields;
}

function envelopeError(error: unknown, request: FastifyRequest) {
  if (error instanceof PortalRefusal) {
    return {
      code: error.code,
      message: messageOf(error.code),
      ...(error.fields ? { fields: error.fields } : {}),
    };
  }
  if (error instanceof ApiError) return ipcError.parse(error.toBody().error);
  request.log.error({ err: error }, 'portal call failed');
  return { code: 'internal_error' as const, message: messageOf('internal_error') };
}

/** An activation link as pasted from the mail, or its bare token -> the token (as the desktop app reads it). */
/** The token of a pasted mail link (common/domain/mail-links.ts), or the contract's `invalid` code. */
function linkToken(input: string, action: string, invalid: ErrorCode): string {
  const token = tokenFromPastedLink(input, action);
  if (token === undefined) throw new ApiError(invalid);
  return token;
}

/** How the browser is listed among trusted devices: its family and system, from the User-Agent. */
function browserName(request: FastifyRequest): string {
  const agent = request.headers['user-agent'] ?? '';
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrome\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'Browser';
  const system = /Windows/.test(agent)
    ? 'Windows'
    : /Mac OS X/.test(agent)
      ? 'macOS'
      : /Linux/.test(agent)
        ? 'Linux'
        : undefined;
  return `${browser}${system ? ` on ${system}` : ''} (WEM Login Portal)`;
}
