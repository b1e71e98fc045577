import type { FactorType } from '../../../../common/contract/http';
import type { Translate } from '../../lib/errors';

/**
 * A factor as the user recognises it: "SMS to •••• 78", "Email to j•••@example.net", "Authenticator
 * app". The server already masks the label (SECURITY: no harvesting); we only add the words.
 */
export function factorLabel(factor: { type: FactorType; label: string }, t: Translate): string {
  return t(`mfa.factor.${factor.type}`, { label: factor.label });
}

/** In a list of the account's factors: the recovery codes as a set ("Recovery codes"), not "a code". */
export function factorListLabel(factor: { type: FactorType; label: string }, t: Translate): string {
  return factor.type === 'recovery_codes' ? t('recovery.listLabel') : factorLabel(factor, t);
}
