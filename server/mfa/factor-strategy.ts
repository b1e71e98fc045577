import type { Selectable } from 'kysely';
import type { AddFactorRequest, FactorType } from '../../common/contract/http';
import type { Db, MfaFactorTable } from '../db/schema';
import type { MfaFlow } from './flows';

export type Factor = Selectable<MfaFactorTable>;

export interface AccountForMail {
  id: string;
  email: string;
  first_name: string;
  locale: string;
}

export interface CodeSent {
  sentTo: string;
  expiresAt: number;
  resendAfter: number;
}

/**
 * One kind of second factor. Factors that deliver a code (email, SMS) implement `send`; all verify a
 * code within a flow. Strategies are looked up by type, so a new factor is one new module.
 */
/** What a strategy makes of an add-factor request: the pending factor's row, and what to show once. */
export interface EnrollmentStart {
  label: string;
  /** The address or E.164 number codes go to; null for the authenticator app. */
  target: string | null;
  /** Sealed with the server key (the TOTP seed); null where there is none. */
  sealedSecret: string | null;
  /** Shown to the user once, at set-up (the authenticator's key and its otpauth URI). */
  reveal?: { secret: string; otpauthUri: string };
}

export interface FactorStrategy {
  readonly type: FactorType;
  /** Factors that deliver a code (email, SMS) say so by type: their challenge answer has `sentTo`. */
  /**
   * Starts the set-up of a new factor of this type from the request (validated here: an address, a
   * number and its country, a label). Recovery codes have no set-up: they are made as a set.
   */
  enroll?(request: AddFactorRequest, account: AccountForMail): EnrollmentStart;
  /** Sends a code for the flow; opens its own transaction (the send caps commit on their own). */
  send?(factor: Factor, flow: MfaFlow, account: AccountForMail, ip: string | null): Promise<CodeSent>;
  /** True only for a right code that has not been used before; any state change is atomic. */
  verify(db: Db, factor: Factor, flow: MfaFlow, code: string): Promise<boolean>;
}

export { countingFactorTypes, countsAsFactor } from './factor-store';
export type { Db };
