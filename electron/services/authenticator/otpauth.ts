import { otpProblem, toOtpAccount, type OtpAccount } from './account';

/**
 * `otpauth://totp|hotp/<issuer>:<label>?secret=…&issuer=…&algorithm=…&digits=…&period=…|counter=…`
 * (Google's Key Uri Format), and `otpauth://steam/…` as Aegis and others write Steam Guard entries.
 * The issuer parameter wins over the label prefix; other types (yandex, motp…) are refused with
 * `unsupported_type` so importers can name them.
 */
export interface ParsedOtpauth {
  /** The type as written in the URI, lowercased: callers report unsupported ones by it. */
  type: string;
  issuer: string;
  label: string;
}

/** Reads type, issuer and label without validating the rest: for naming what cannot be imported. */
export function describeOtpauth(uri: string): ParsedOtpauth {
  const url = parseUrl(uri);
  const type = url.host.toLowerCase();
  const { issuer, label } = issuerAndLabel(url);
  return { type, issuer, label };
}

export function parseOtpauth(uri: string): OtpAccount {
  const url = parseUrl(uri);
  const type = url.host.toLowerCase();
  if (type !== 'totp' && type !== 'hotp' && type !== 'steam') throw otpProblem('unsupported_type');
  const { issuer, label } = issuerAndLabel(url);
  const param = (name: string) => url.searchParams.get(name) ?? undefined;
  const secret = param('secret');
  if (secret === undefined) throw otpProblem('missing_secret');
  return toOtpAccount({
    type,
    issuer,
    label,
    secret,
    algorithm: param('algorithm'),
    digits: numberParam(param('digits'), 'invalid_digits'),
    period: type === 'hotp' ? undefined : numberParam(param('period'), 'invalid_period'),
    counter: type === 'hotp' ? numberParam(param('counter') ?? '0', 'invalid_counter') : undefined,
  });
}

export function buildOtpauth(account: OtpAccount): string {
  // Without an issuer, a leading colon keeps an encoded colon in the account name from reading as one.
  const path = `${encodeURIComponent(account.issuer)}${account.issuer || account.label.includes(':') ? ':' : ''}${encodeURIComponent(account.label)}`;
  const params = new URLSearchParams({ secret: account.secret });
  if (account.issuer) params.set('issuer', account.issuer);
  params.set('algorithm', account.algorithm);
  params.set('digits', String(account.digits));
  if (account.type === 'hotp') params.set('counter', String(account.counter));
  else params.set('period', String(account.period));
  return `otpauth://${account.type}/${path}?${params.toString().replace(/\+/g, '%20')}`;
}

function parseUrl(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    throw otpProblem('not_otpauth');
  }
  if (url.protocol !== 'otpauth:' || url.host === '') throw otpProblem('not_otpauth');
  return url;
}

/**
 * The label is `issuer:account`, each part percent-encoded. A literal colon separates them; an
 * encoded one (%3A) does too when no literal one is there and no issuer parameter says otherwise.
 */
function issuerAndLabel(url: URL): { issuer: string; label: string } {
  const raw = url.pathname.replace(/^\//, '');
  const issuerParam = url.searchParams.get('issuer')?.trim();
  let cut = raw.indexOf(':');
  let separator = 1;
  if (cut < 0 && !issuerParam) {
    cut = raw.toUpperCase().indexOf('%3A');
    separator = 3;
  }
  const prefix = cut >= 0 ? decode(raw.slice(0, cut)).trim() : '';
  const label = decode(cut >= 0 ? raw.slice(cut + separator) : raw).trim();
  if (label === '') throw otpProblem('missing_label');
  return { issuer: issuerParam || prefix, label };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw otpProblem('invalid_label');
  }
}

function numberParam(
  value: string | undefined,
  problem: Parameters<typeof otpProblem>[0],
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw otpProblem(problem);
  return Number(value);
}
