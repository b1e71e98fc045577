import axios, { isAxiosError, type AxiosInstance } from 'axios';
import type { z } from 'zod';
import {
  endpoints,
  pathOf,
  type DesktopEndpointName,
  type Endpoint,
  type Endpoints,
} from '../../common/contract/endpoints';
import {
  errorBody,
  type AddFactorRequest,
  type LoginRequest,
  type SignupRequest,
  type UpdateMeRequest,
} from '../../common/contract/http';
import { DesktopError } from './desktop-error';

/**
 * The account API as the desktop app sees it: one axios instance per server address, one typed method
 * per endpoint the catalogue marks for the desktop (common/contract/endpoints.ts), each request built
 * from its endpoint and each answer parsed with the endpoint's response schema. Every failure becomes a
 * DesktopError with a contract code, so handlers never see an axios error: an API error body keeps its
 * code and details, no answer at all is `offline`, anything else unexpected is `server_error`.
 */

export const defaultTimeoutMs = 10_000;

/** The server address in one spelling (lower-case host, no trailing slash), as keys and requests use it. */
export function normaliseServerUrl(raw: string): string {
  const url = new URL(raw.trim());
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * docs/security.md 26: https for any host, plain http only for this computer itself (loopback), nothing
 * else (no other scheme, no credentials, query or fragment in the address). Returns the normalised URL.
 */
export function checkServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DesktopError('insecure_server_url', { fields: { serverUrl: 'invalid' } });
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  const plain = !url.username && !url.password && !url.search && !url.hash;
  if (!secure || !plain) throw new DesktopError('insecure_server_url', { fields: { serverUrl: 'insecure' } });
  return normaliseServerUrl(url.href);
}

/** Error codes of a connection that never got an answer: the user is offline or the server is down. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'EPIPE',
  'ERR_NETWORK',
]);

export interface PortalClientOptions {
  serverUrl: string;
  timeoutMs?: number;
  /** Called when the server becomes reachable or unreachable (not on every call). */
  onConnectivity?: (online: boolean) => void;
}

/** The success answer of an endpoint: its parsed body, nothing for a 204. */
type Answer<E extends Endpoint> = E['status'] extends 204 ? void : z.output<E['response']>;

/** What a request to an endpoint carries: its path values, its body, and a session token where one is needed. */
type CallInput<E extends Endpoint> = (E['params'] extends z.ZodType
  ? { params: z.input<E['params']> }
  : { params?: never }) &
  (E['body'] extends z.ZodType ? { body: z.input<E['body']> } : { body?: never }) &
  (E['access'] extends 'public' ? { token?: never } : { token: string });

/** One method per desktop endpoint, named after it (a missing one fails to compile). */
type DesktopCalls = {
  [N in DesktopEndpointName]: (...args: never[]) => Promise<Answer<Endpoints[N]>>;
};

export class PortalClient implements DesktopCalls {
  readonly serverUrl: string;
  private readonly http: AxiosInstance;
  private reachable = true;

  constructor(private readonly options: PortalClientOptions) {
    this.serverUrl = checkServerUrl(options.serverUrl);
    this.http = axios.create({
      baseURL: this.serverUrl,
      timeout: options.timeoutMs ?? defaultTimeoutMs,
      headers: { accept: 'application/json' },
      responseType: 'json',
      // Statuses are mapped below; a redirect could downgrade https to http, so none is followed.
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** The last known state: true until a call finds the server unreachable. */
  get online(): boolean {
    return this.reachable;
  }

  /** What the server tells its users through clients: the activation link lifetime, support. */
  info() {
    return this.call(endpoints.info, {});
  }

  // --- Signup and activation -------------------------------------------------------------------

  signup(body: SignupRequest) {
    return this.call(endpoints.signup, { body });
  }

  activate(token: string, password?: string) {
    const body = password === undefined ? { token } : { token, password };
    return this.call(endpoints.activate, { body });
  }

  resendActivation(email: string) {
    return this.call(endpoints.resendActivation, { body: { email } });
  }

  // --- Login -----------------------------------------------------------------------------------

  login(body: LoginRequest) {
    return this.call(endpoints.login, { body });
  }

  challenge(loginId: string, factorId: string) {
    return this.call(endpoints.challenge, { params: { loginId }, body: { factorId } });
  }

  verifyLogin(
    loginId: string,
    body: { factorId: string; code: string; trustDevice?: boolean; deviceName?: string },
  ) {
    return this.call(endpoints.verifyLogin, { params: { loginId }, body });
  }

  requestMfaReset(loginId: string, reason: string) {
    return this.call(endpoints.requestMfaReset, { params: { loginId }, body: { reason } });
  }

  logout(token: string, deviceToken?: string) {
    return this.call(endpoints.logout, { token, body: deviceToken ? { deviceToken } : {} });
  }

  // --- Me, factors, step-up, devices -----------------------------------------------------------

  me(token: string) {
    return this.call(endpoints.me, { token });
  }

  addFactor(token: string, body: AddFactorRequest) {
    return this.call(endpoints.addFactor, { token, body });
  }

  verifyFactor(token: string, factorId: string, code: string) {
    return this.call(endpoints.verifyFactor, { token, params: { id: factorId }, body: { code } });
  }

  resendFactor(token: string, factorId: string) {
    return this.call(endpoints.resendFactor, { token, params: { id: factorId } });
  }

  removeFactor(token: string, factorId: string) {
    return this.call(endpoints.removeFactor, { token, params: { id: factorId } });
  }

  stepUp(token: string, factorId: string) {
    return this.call(endpoints.stepUp, { token, body: { factorId } });
  }

  verifyStepUp(token: string, factorId: string, code: string) {
    return this.call(endpoints.verifyStepUp, { token, body: { factorId, code } });
  }

  devices(token: string) {
    return this.call(endpoints.devices, { token });
  }

  revokeDevice(token: string, deviceId: string) {
    return this.call(endpoints.revokeDevice, { token, params: { id: deviceId } });
  }

  revokeAllDevices(token: string) {
    return this.call(endpoints.revokeAllDevices, { token });
  }

  // --- Account lifecycle -----------------------------------------------------------------------

  requestPasswordReset(email: string) {
    return this.call(endpoints.requestPasswordReset, { body: { email } });
  }

  verifyPasswordReset(token: string) {
    return this.call(endpoints.verifyPasswordReset, { body: { token } });
  }

  passwordResetChallenge(resetId: string, factorId: string) {
    return this.call(endpoints.passwordResetChallenge, { params: { resetId }, body: { factorId } });
  }

  passwordResetVerifyFactor(resetId: string, factorId: string, code: string) {
    return this.call(endpoints.passwordResetVerifyFactor, { params: { resetId }, body: { factorId, code } });
  }

  completePasswordReset(resetId: string, password: string) {
    return this.call(endpoints.completePasswordReset, { params: { resetId }, body: { password } });
  }

  changePassword(token: string, currentPassword: string, newPassword: string) {
    return this.call(endpoints.changePassword, { token, body: { currentPassword, newPassword } });
  }

  updateMe(token: string, body: UpdateMeRequest) {
    return this.call(endpoints.updateMe, { token, body });
  }

  changeEmail(token: string, newEmail: string, password: string) {
    return this.call(endpoints.changeEmail, { token, body: { newEmail, password } });
  }

  confirmEmailChange(token: string) {
    return this.call(endpoints.confirmEmailChange, { body: { token } });
  }

  deleteAccount(token: string, password: string) {
    return this.call(endpoints.deleteAccount, { token, body: { password } });
  }

  // --- Login portal ----------------------------------------------------------------------------

  apps(token: string) {
    return this.call(endpoints.apps, { token });
  }

  /** The one-time portal address for "Open Modeler": main opens it, the renderer never sees it. */
  handoff(token: string, clientId: string) {
    return this.call(endpoints.handoff, { token, body: { clientId } });
  }

  // --- The one request path --------------------------------------------------------------------

  /** A request to a catalogue endpoint; its answer parsed with the endpoint's response schema. */
  private async call<E extends Endpoint>(endpoint: E, input: CallInput<E>): Promise<Answer<E>> {
    const { params, body, token }: { params?: Record<string, string>; body?: unknown; token?: string } =
      input;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response;
    try {
      response = await this.http.request({
        method: endpoint.method,
        url: pathOf(endpoint, params),
        headers,
        data: body,
      });
    } catch (error) {
      if (isNetworkFailure(error)) {
        this.setReachable(false);
        throw new DesktopError('offline');
      }
      throw error;
    }
    this.setReachable(true);
    const { status, data } = response;
    if (status >= 200 && status < 300) {
      if (endpoint.status === 204) return undefined as Answer<E>;
      const parsed = endpoint.response.safeParse(data);
      if (!parsed.success) throw new DesktopError('server_error');
      return parsed.data as Answer<E>;
    }
    const refused = errorBody.safeParse(data);
    if (refused.success) {
      const { code, fields, reasons, attemptsLeft, retryAfterSeconds } = refused.data.error;
      throw new DesktopError(code, {
        ...(fields ? { fields } : {}),
        ...(reasons ? { reasons } : {}),
        ...(attemptsLeft === undefined ? {} : { attemptsLeft }),
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      });
    }
    // A status without the API's error body: a proxy, a crash page, something that is not our server.
    throw new DesktopError('server_error');
  }

  private setReachable(online: boolean): void {
    if (this.reachable === online) return;
    this.reachable = online;
    this.options.onConnectivity?.(online);
  }
}

function isNetworkFailure(error: unknown): boolean {
  if (!isAxiosError(error)) return false;
  if (error.response) return false;
  if (error.code && networkCodes.has(error.code)) return true;
  // Timeouts are ECONNABORTED or ETIMEDOUT; any other request that got no answer is offline as well.
  return error.code !== 'ERR_CANCELED';
}
