import type { ChallengeResponse } from '../../common/contract/http';
import type { ServerContext } from '../context';
import type { Session, Sessions } from '../sessions/sessions';
import { iso } from '../support/clock';
import type { Challenges } from './challenges';
import { privilegeMs } from '../sessions/privilege';
import type { MfaFlow, MfaFlows } from './flows';

/**
 * Step-up: a signed-in user proves a factor again before changing factors. One open step-up flow per
 * session carries the attempt count, so asking for a new challenge does not reset the wrong guesses.
 */
export class StepUp {
  constructor(
    private readonly ctx: ServerContext,
    private readonly flows: MfaFlows,
    private readonly challenges: Challenges,
    private readonly sessions: Sessions,
  ) {}

  async challenge(session: Session, factorId: string, ip: string | null): Promise<ChallengeResponse> {
    return this.challenges.challenge(await this.openFlow(session), factorId, ip);
  }

  async verify(
    session: Session,
    factorId: string,
    code: string,
    ip: string | null,
  ): Promise<{ privilegedUntil: string }> {
    const flow = await this.openFlow(session);
    const factor = await this.challenges.factorFor(this.ctx.db, flow, factorId);
    const privilegedUntil = this.ctx.clock.now() + privilegeMs;
    await this.challenges.verify(flow, factor, code, ip, async (trx) => {
      await this.sessions.privilegeUntil(trx, session.id, privilegedUntil);
      await this.ctx.audit.record(trx, {
        accountId: session.accountId,
        actor: 'user',
        action: 'mfa.step_up',
        detail: { type: factor.type },
        ip,
      });
    });
    return { privilegedUntil: iso(privilegedUntil) };
  }

  /** The session's live step-up flow; a burned one blocks until it expires, then a new one starts. */
  private async openFlow(session: Session): Promise<MfaFlow> {
    const open = await this.flows.openStepUp(this.ctx.db, session.id);
    if (open) return this.flows.usable(open);
    return this.flows.create(this.ctx.db, 'step_up', session.accountId, { sessionId: session.id });
  }
}
