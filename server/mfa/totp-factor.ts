import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { SecretBox } from '../support/secret-key';
import type { MfaFlow } from './flows';
import type { AccountForMail, Db, EnrollmentStart, Factor, FactorStrategy } from './factor-strategy';
import type { AddFactorRequest } from '../../common/contract/http';
import { newTotpSecret, totpUri, verifyTotp } from './totp';
import { factorStore } from './factor-store';

/**
 * The authenticator app. Its seed is sealed with the server key at rest and never read back out to a
 * client after enrollment. A code is refused when its time step is not newer than the last accepted
 * one; the step is recorded with a conditional UPDATE so two parallel uses of one code succeed once.
 */
export class TotpFactor implements FactorStrategy {
  readonly type = 'totp' as const;

  constructor(
    private readonly ctx: Pick<ServerContext, 'clock' | 'random'>,
    private readonly box: SecretBox,
  ) {}

  enroll(request: AddFactorRequest, account: AccountForMail): EnrollmentStart {
    if (request.type !== 'totp') throw new Error(`TotpFactor cannot enroll ${request.type}`);
    const secret = newTotpSecret((n) => this.ctx.random.bytes(n));
    return {
      label: request.label?.trim() || 'Authenticator app',
      target: null,
      sealedSecret: this.box.seal(secret),
      reveal: { secret, otpauthUri: totpUri(account.email, secret) },
    };
  }

  async verify(db: Db, factor: Factor, _flow: MfaFlow, code: string): Promise<boolean> {
    if (!factor.secret) return false;
    let seed: string;
    try {
      seed = this.box.open(factor.secret);
    } catch {
      // Sealed with a server key this instance does not have (a key rotation under way): the code may
      // be right, so answer "try again soon" instead of a wrong code or a 500.
      throw new ApiError('service_unavailable', { retryAfterSeconds: 30 });
    }
    const step = verifyTotp(seed, code, this.ctx.clock.now(), factor.last_totp_step);
    if (step === undefined) return false;
    return factorStore.recordTotpStep(db, factor.id, step);
  }
}
