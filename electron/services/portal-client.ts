import axios, { isAxiosError, type AxiosInstance, type Method } from 'axios';
import type { z } from 'zod';
import {
  activatedResponse,
  activationSentResponse,
  addFactorResponse,
  challengeResponse,
  devicesResponse,
  errorBody,
  loginResponse,
  loginVerifyResponse,
  meResponse,
  mfaResetRequested,
  resendResponse,
  stepUpVerified,
  verifyFactorResponse,
  type AddFactorRequest,
  type LoginRequest,
  type SignupRequest,
} from '../../common/contract/http';
import { DesktopError } from './ipc-router';

/**
 * The account API as the desktop app sees it: one axios instance per server address, one typed method
 * per endpoint (docs/api.md), answers parsed with the contract's zod schemas. Every failure becomes a
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

interface CallOptions {
  body?: unknown;
  token?: string;
}

type Activated = z.infer<typeof activatedResponse>;
type ActivationSent = z.infer<typeof activationSentResponse>;

export class PortalClient {
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

  // --- Signup and activation -------------------------------------------------------------------

  signup(body: SignupRequest): Promise<ActivationSent> {
    return this.call('POST', '/v1/accounts', activationSentResponse, { body });
  }

  activate(token: string, password?: string): Promise<Activated> {
    const body = password === undefined ? { token } : { token, password };
    return this.call('POST', '/v1/activation', activatedResponse, { body });
  }

  resendActivation(email: string): Promise<ActivationSent> {
    return this.call('POST', '/v1/activation/resend', activationSentResponse, { body: { email } });
  }

  // --- Login -----------------------------------------------------------------------------------

  login(body: LoginRequest) {
    return this.call('POST', '/v1/login', loginResponse, { body });
  }

  challenge(loginId: string, factorId: string) {
    return this.call('POST', `/v1/login/${segment(loginId)}/challenge`, challengeResponse, {
      body: { factorId },
    });
  }

  verifyLogin(
    loginId: string,
    body: { factorId: string; code: string; trustDevice?: boolean; deviceName?: string },
  ) {
    return this.call('POST', `/v1/login/${segment(loginId)}/verify`, loginVerifyResponse, { body });
  }

  requestMfaReset(loginId: string, reason: string) {
    return this.call('POST', `/v1/login/${segment(loginId)}/mfa-reset-request`, mfaResetRequested, {
      body: { reason },
    });
  }

  async logout(token: string, deviceToken?: string): Promise<void> {
    await this.call('POST', '/v1/logout', null, { token, body: deviceToken ? { deviceToken } : {} });
  }

  // --- Me, factors, step-up, devices -----------------------------------------------------------

  me(token: string) {
    return this.call('GET', '/v1/me', meResponse, { token });
  }

  addFactor(token: string, body: AddFactorRequest) {
    return this.call('POST', '/v1/me/factors', addFactorResponse, { token, body });
  }

  verifyFactor(token: string, factorId: string, code: string) {
    return this.call('POST', `/v1/me/factors/${segment(factorId)}/verify`, verifyFactorResponse, {
      token,
      body: { code },
    });
  }

  resendFactor(token: string, factorId: string) {
    return this.call('POST', `/v1/me/factors/${segment(factorId)}/resend`, resendResponse, { token });
  }

  async removeFactor(token: string, factorId: string): Promise<void> {
    await this.call('DELETE', `/v1/me/factors/${segment(factorId)}`, null, { token });
  }

  stepUp(token: string, factorId: string) {
    return this.call('POST', '/v1/me/step-up', challengeResponse, { token, body: { factorId } });
  }

  verifyStepUp(token: string, factorId: string, code: string) {
    return this.call('POST', '/v1/me/step-up/verify', stepUpVerified, { token, body: { factorId, code } });
  }

  devices(token: string) {
    return this.call('GET', '/v1/me/devices', devicesResponse, { token });
  }

  async revokeDevice(token: string, deviceId: string): Promise<void> {
    await this.call('DELETE', `/v1/me/devices/${segment(deviceId)}`, null, { token });
  }

  async revokeAllDevices(token: string): Promise<void> {
    await this.call('DELETE', '/v1/me/devices', null, { token });
  }

  // --- The one request path --------------------------------------------------------------------

  private async call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S | null,
    { body, token }: CallOptions,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response;
    try {
      response = await this.http.request({ method, url: path, headers, data: body });
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
      if (schema === null) return undefined as z.output<S>;
      const parsed = schema.safeParse(data);
      if (!parsed.success) throw new DesktopError('server_error');
      return parsed.data;
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

function segment(value: string): string {
  return encodeURIComponent(value);
}

function isNetworkFailure(error: unknown): boolean {
  if (!isAxiosError(error)) return false;
  if (error.response) return false;
  if (error.code && networkCodes.has(error.code)) return true;
  // Timeouts are ECONNABORTED or ETIMEDOUT; any other request that got no answer is offline as well.
  return error.code !== 'ERR_CANCELED';
}
