import type { Selectable } from 'kysely';
import type { FactorType } from '../../common/contract/http';
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
export interface FactorStrategy {
  readonly type: FactorType;
  /** Sends a code for the flow; opens its own transaction (the send caps commit on their own). */
  send?(factor: Factor, flow: MfaFlow, account: AccountForMail, ip: string | null): Promise<CodeSent>;
  /** True only for a right code that has not been used before; any state change is atomic. */
  verify(db: Db, factor: Factor, flow: MfaFlow, code: string): Promise<boolean>;
}

export { countingFactorTypes, countsAsFactor } from './factor-store';
export type { Db };
