import type { FactorType } from '../../../../common/contract/http';
import type { Translate } from '../../lib/errors';

/**
 * A factor as the user recognises it: "SMS to •••• 78", "Email to j•••@example.net", "Authenticator
 * app". The server already masks the label (SECURITY: no harvesting); we only add the words.
 */
export function factorLabel(factor: { type: FactorType; label: string }, t: Translate): string {
  return t(`mfa.factor.${factor.type}`, { label: factor.label });
}

/**
 * The button after choosing a factor, saying what happens next: a code is sent for email and SMS;
 * for the authenticator app and recovery codes nothing is sent, the user enters one.
 */
export function proceedLabel(type: FactorType | undefined, t: Translate): string {
  return t(`mfa.proceed.${type ?? 'email'}`);
}

/** Its busy label: "Sending…" only where something is sent. */
export function proceedBusyLabel(type: FactorType | undefined, t: Translate): string {
  return type === 'email' || type === 'sms' ? t('mfa.choosing') : t('common.busy');
}

/** In a list of the account's factors: the recovery codes as a set ("Recovery codes"), not "a code". */
export function factorListLabel(factor: { type: FactorType; label: string }, t: Translate): string {
  return factor.type === 'recovery_codes' ? t('recovery.listLabel') : factorLabel(factor, t);
}
