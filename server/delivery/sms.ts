import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { maskPhone } from '../../common/domain/phone';

/**
 * One SMS as it leaves the outbox. `to` is E.164 (see normalisePhone); `id` is the outbox row id, stable
 * across retries. The body carries a one-time code: it is never logged and never put in an error.
 */
export interface OutgoingSms {
  id: string;
  to: string;
  body: string;
}

export interface SmsProvider {
  readonly kind: string;
  send(sms: OutgoingSms): Promise<void>;
}

/**
 * A failed delivery. `permanent` means sending the same message again cannot succeed (a refused number, a
 * rejected request, wrong credentials), so the outbox should stop retrying; otherwise it is worth a retry.
 */
export class SmsDeliveryError extends Error {
  override readonly name = 'SmsDeliveryError';
  readonly status: number | undefined;
  readonly permanent: boolean;
  /** The provider's own error code (Twilio: 21211 "invalid To number", 20003 "authentication" …). */
  readonly providerCode: number | undefined;

  constructor(
    message: string,
    details: { status?: number; permanent: boolean; providerCode?: number; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.permanent = details.permanent;
    this.providerCode = details.providerCode;
  }
}

// Outbox ids are base64url; anything else must not become part of a file name.
const safeId = /^[\w-]{1,64}$/;

/**
 * The embedded default (SMS_PROVIDER=outbox): each SMS becomes a JSON file `{to, body}` under
 * DATA_DIR/outbox/sms, so the product runs with no SMS provider. Written to a temporary name first, then
 * renamed: a reader never sees half a file.
 */
export function fileSmsProvider(outboxDir: string, log: Logger): SmsProvider {
  const dir = path.join(outboxDir, 'sms');
  return {
    kind: 'outbox',
    async send(sms) {
      if (!safeId.test(sms.id)) throw new SmsDeliveryError('Unusable outbox id', { permanent: true });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${sms.id}.json`);
      await writeFile(`${file}.tmp`, `${JSON.stringify({ to: sms.to, body: sms.body })}\n`, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      // The file is the delivery; the log names it and the masked number, never the body (a code).
      log.info({ outboxFile: file, to: maskPhone(sms.to) }, 'sms written to the outbox');
    },
  };
}

export interface TwilioOptions {
  /** Default https://api.twilio.com; tests and regional edges point it elsewhere. */
  baseUrl?: string;
  accountSid: string;
  authToken: string;
  /** A Twilio number in E.164, or an alphanumeric sender id where the destination country allows it. */
  from: string;
  /** For the whole exchange, connect to response. Default 10 s. */
  timeoutMs?: number;
}

export const twilioDefaultBaseUrl = 'https://api.twilio.com';

/**
 * Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded To/From/Body, HTTP
 * basic auth. Twilio offers no idempotency key here, so a retry after a lost response can send twice;
 * the code in both is the same, which is harmless.
 */
export function twilioSmsProvider(options: TwilioOptions): SmsProvider {
  const base = (options.baseUrl ?? twilioDefaultBaseUrl).replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  return {
    kind: 'twilio',
    async send(sms) {
      const signal = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({ To: sms.to, From: options.from, Body: sms.body }),
          // A redirect is a misconfigured base URL; following it would resend the credentials elsewhere.
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        throw unreachable(error, timeoutMs);
      }

      if (response.status === 200 || response.status === 201) {
        // Sent. The answer describes the message; not reading it means a slow body cannot turn a
        // delivered SMS into a "failure" that the outbox would send again.
        await response.body?.cancel().catch(() => {});
        return;
      }
      const providerCode = await twilioErrorCode(response);
      const permanent = !isTemporary(response.status);
      throw new SmsDeliveryError(
        `Twilio refused the SMS: HTTP ${response.status}${providerCode === undefined ? '' : `, Twilio error ${providerCode}`}`,
        { status: response.status, permanent, providerCode },
      );
    },
  };
}

/** Overload, timeouts and server faults pass; any other refusal will be repeated for the same request. */
function isTemporary(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Twilio errors are `{code, message, more_info, status}`; only the numeric code is kept. */
async function twilioErrorCode(response: Response): Promise<number | undefined> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'number') {
      return body.code;
    }
  } catch {
    // Not JSON, or cut off: the status alone decides.
  }
  return undefined;
}

function unreachable(error: unknown, timeoutMs: number): SmsDeliveryError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new SmsDeliveryError(`Twilio did not answer within ${timeoutMs} ms`, {
      permanent: false,
      cause: error,
    });
  }
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND …) in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : 'network error';
  return new SmsDeliveryError(`Could not reach Twilio: ${code}`, { permanent: false, cause });
}
