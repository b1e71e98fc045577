import protobuf from 'protobufjs';
import { base32Of } from '../account';
import { damagedFile, ImportCollector, type ImportResult } from './import-result';

/**
 * Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=<base64>`,
 * a protobuf MigrationPayload (the QR codes' content; one URI per QR code, one per line here).
 * The schema is Google's, as documented by the apps that read it (Aegis, 2FAS, KeePassXC).
 */
const root = protobuf.Root.fromJSON({
  nested: {
    MigrationPayload: {
      fields: {
        otpParameters: { rule: 'repeated', type: 'OtpParameters', id: 1 },
        version: { type: 'int32', id: 2 },
        batchSize: { type: 'int32', id: 3 },
        batchIndex: { type: 'int32', id: 4 },
        batchId: { type: 'int32', id: 5 },
      },
      nested: {
        OtpParameters: {
          fields: {
            secret: { type: 'bytes', id: 1 },
            name: { type: 'string', id: 2 },
            issuer: { type: 'string', id: 3 },
            algorithm: { type: 'int32', id: 4 },
            digits: { type: 'int32', id: 5 },
            type: { type: 'int32', id: 6 },
            counter: { type: 'int64', id: 7 },
          },
        },
      },
    },
  },
});
const migrationPayload = root.lookupType('MigrationPayload');

const algorithms: Record<number, string> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512', 4: 'MD5' };
const digitCounts: Record<number, number> = { 0: 6, 1: 6, 2: 8 };
/** Type 0 (unspecified) is TOTP, as Google Authenticator and Aegis read it. */
const types: Record<number, string> = { 0: 'totp', 1: 'hotp', 2: 'totp' };

interface OtpParameters {
  secret: Uint8Array;
  name: string;
  issuer: string;
  algorithm: number;
  digits: number;
  type: number;
  counter: number;
}

export function importGoogleMigration(content: string): ImportResult {
  const uris = content
    .split(/\s+/)
    .filter((line) => line !== '')
    .map((line) => line.trim());
  if (uris.length === 0) throw damagedFile('google_migration');
  const collector = new ImportCollector();
  let position = 0;
  for (const uri of uris) {
    for (const parameters of decode(uri)) {
      position += 1;
      const { issuer, label } = names(parameters);
      const type = types[parameters.type] ?? 'unknown';
      const algorithm = algorithms[parameters.algorithm] ?? 'unknown';
      if (type !== 'totp' && type !== 'hotp') {
        collector.skip({ issuer, label, type, reason: 'unsupported_type' });
      } else if (algorithm === 'MD5' || algorithm === 'unknown') {
        collector.skip({ issuer, label, type: algorithm, reason: 'unsupported_algorithm' });
      } else {
        collector.add(position, {
          type,
          issuer,
          label,
          secret: base32(parameters.secret),
          algorithm,
          digits: digitCounts[parameters.digits] ?? 0,
          period: type === 'totp' ? 30 : undefined,
          counter: type === 'hotp' ? parameters.counter : undefined,
        });
      }
    }
  }
  return collector.result();
}

function decode(uri: string): OtpParameters[] {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw damagedFile('google_migration');
  }
  // Read `data` from the raw query: URLSearchParams would turn a `+` of the base64 into a space,
  // and links that went through a QR reader or a chat often carry it unencoded (issue 17).
  const raw = /[?&]data=([^&#]*)/.exec(url.search)?.[1];
  let data: string | undefined;
  try {
    data = raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    data = undefined;
  }
  if (
    url.protocol !== 'otpauth-migration:' ||
    url.host !== 'offline' ||
    !data ||
    !/^[A-Za-z0-9+/_-]+=*$/.test(data)
  )
    throw damagedFile('google_migration');
  try {
    const message = migrationPayload.decode(Buffer.from(data, 'base64'));
    const payload = migrationPayload.toObject(message, { longs: Number, defaults: true }) as {
      otpParameters?: OtpParameters[];
    };
    if (payload.otpParameters?.length) return payload.otpParameters;
  } catch {
    // Falls through to the refusal below.
  }
  throw damagedFile('google_migration');
}

/** Google stores "Issuer:label" as the name, and often the issuer again on its own. */
function names(parameters: OtpParameters): { issuer: string; label: string } {
  const colon = parameters.name.indexOf(':');
  const prefix = colon >= 0 ? parameters.name.slice(0, colon).trim() : '';
  const label = (colon >= 0 ? parameters.name.slice(colon + 1) : parameters.name).trim();
  return { issuer: parameters.issuer.trim() || prefix, label };
}

/** RFC 4648 Base32 without padding, the form account.ts normalises to. */
export const base32 = base32Of;
