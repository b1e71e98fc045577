import { sql, type Selectable } from 'kysely';
import type { Db, MfaFlowTable } from '../db/schema';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { newId } from '../support/random';
import { compiled, type Slots } from '../db/compiled';

export type FlowKind = 'login' | 'step_up' | 'enroll' | 'reset';
export type MfaFlow = Selectable<MfaFlowTable>;

/** Wrong codes a flow tolerates before it burns (docs/security.md 10): five, across resends. */
export const maxCodeAttempts = 5;

export const flowLifetimes: Record<FlowKind, number> = {
  login: 15 * 60_000,
  step_up: 10 * 60_000,
  enroll: 30 * 60_000,
  // docs/api.md "Account lifecycle": a resetId works 15 minutes, like a loginId.
  reset: 15 * 60_000,
};

const insertFlow = compiled((db, s: Slots<MfaFlow>) =>
  db.insertInto('mfa_flows').values({
    id: s.id,
    kind: s.kind,
    account_id: s.account_id,
    session_id: s.session_id,
    factor_id: s.factor_id,
    created_at: s.created_at,
    expires_at: s.expires_at,
    failures: s.failures,
    completed_at: s.completed_at,
    burned_at: s.burned_at,
    password_reset_id: s.password_reset_id,
  }),
);
const flowById = compiled((db, s: Slots<{ id: string }>) =>
  db.selectFrom('mfa_flows').selectAll().where('id', '=', s.id),
);
/** One conditional UPDATE counts the attempt and decides: parallel guesses cannot share a slot. */
const takeAttempt = compiled((db, s: Slots<{ id: string; now: number }>) =>
  db
    .updateTable('mfa_flows')
    .set({ failures: sql<number>`failures + 1` })
    .where('id', '=', s.id)
    .where('failures', '<', maxCodeAttempts)
    .where('burned_at', 'is', null)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', s.now)
    .returning('failures'),
);
const completeFlow = compiled((db, s: Slots<{ id: string; now: number }>) =>
  db
    .updateTable('mfa_flows')
    .set({ completed_at: s.now, failures: sql<number>`failures - 1` })
    .where('id', '=', s.id)
    .where('completed_at', 'is', null)
    .where('burned_at', 'is', null),
);

const openStepUp = compiled((db, s: Slots<{ sessionId: string; now: number }>) =>
  db
    .selectFrom('mfa_flows')
    .selectAll()
    .where('session_id', '=', s.sessionId)
    .where('kind', '=', 'step_up')
    .where('completed_at', 'is', null)
    .where('expires_at', '>', s.now)
    .orderBy('created_at', 'desc')
    .limit(1),
);
const latestEnrollment = compiled((db, s: Slots<{ factorId: string }>) =>
  db
    .selectFrom('mfa_flows')
    .selectAll()
    .where('factor_id', '=', s.factorId)
    .where('kind', '=', 'enroll')
    .orderBy('created_at', 'desc')
    .limit(1),
);
const burnFlow = compiled((db, s: Slots<{ id: string; now: number }>) =>
  db
    .updateTable('mfa_flows')
    .set({ burned_at: s.now })
    .where('id', '=', s.id)
    .where('burned_at', 'is', null)
    .where('completed_at', 'is', null),
);

/**
 * A flow is the stored state of one challenge: a login after its password, a step-up of a session, or
 * the first code of a new factor. Every step checks it is still valid (Kratos' Valid()). A code attempt
 * is *reserved* before the code is checked — one conditional UPDATE — so fifty parallel guesses cannot
 * all be checked: at most `maxCodeAttempts` ever reach verification.
 */
export class MfaFlows {
  constructor(private readonly ctx: Pick<ServerContext, 'clock' | 'random'>) {}

  async create(
    db: Db,
    kind: FlowKind,
    accountId: string,
    links: { sessionId?: string | null; factorId?: string | null; passwordResetId?: string | null } = {},
  ): Promise<MfaFlow> {
    const now = this.ctx.clock.now();
    const flow: MfaFlow = {
      id: newId(this.ctx.random),
      kind,
      account_id: accountId,
      session_id: links.sessionId ?? null,
      factor_id: links.factorId ?? null,
      created_at: now,
      expires_at: now + flowLifetimes[kind],
      failures: 0,
      completed_at: null,
      burned_at: null,
      password_reset_id: links.passwordResetId ?? null,
    };
    await insertFlow.run(db, flow);
    return flow;
  }

  async find(db: Db, id: string): Promise<MfaFlow | undefined> {
    return flowById.first(db, { id });
  }

  /** The session's newest step-up flow that is neither completed nor expired (a burned one included). */
  async openStepUp(db: Db, sessionId: string): Promise<MfaFlow | undefined> {
    return openStepUp.first(db, { sessionId, now: this.ctx.clock.now() });
  }

  /** The newest enrollment flow of a pending factor. */
  async latestEnrollment(db: Db, factorId: string): Promise<MfaFlow | undefined> {
    return latestEnrollment.first(db, { factorId });
  }

  /** The flow if it may take another step; the contract's error otherwise. */
  usable(flow: MfaFlow | undefined, expiredCode: 'login_expired' = 'login_expired'): MfaFlow {
    if (!flow) throw new ApiError('login_not_found');
    if (flow.burned_at !== null) throw new ApiError('too_many_attempts');
    if (flow.completed_at !== null || this.ctx.clock.now() >= flow.expires_at)
      throw new ApiError(expiredCode);
    return flow;
  }

  /** Takes one of the flow's attempts; false when none is left (the flow is then burned). */
  async reserveAttempt(db: Db, flowId: string): Promise<{ ok: boolean; attemptsLeft: number }> {
    const updated = await takeAttempt.first(db, { id: flowId, now: this.ctx.clock.now() });
    if (!updated) {
      await this.burn(db, flowId);
      return { ok: false, attemptsLeft: 0 };
    }
    return { ok: true, attemptsLeft: maxCodeAttempts - Number(updated.failures) };
  }

  /** After a wrong code: burn the flow when that was the last attempt. */
  async afterFailure(db: Db, flowId: string, attemptsLeft: number): Promise<void> {
    if (attemptsLeft <= 0) await this.burn(db, flowId);
  }

  /** Marks the flow done, once: a second, parallel success finds it completed and fails. */
  async complete(db: Db, flowId: string): Promise<boolean> {
    const result = await completeFlow.run(db, { id: flowId, now: this.ctx.clock.now() });
    return result.numAffectedRows === 1n;
  }

  /** Ends every open flow of an account (an approved MFA reset: its factors are gone). */
  async burnOpen(db: Db, accountId: string): Promise<void> {
    await db
      .updateTable('mfa_flows')
      .set({ burned_at: this.ctx.clock.now() })
      .where('account_id', '=', accountId)
      .where('completed_at', 'is', null)
      .where('burned_at', 'is', null)
      .execute();
  }

  private async burn(db: Db, flowId: string): Promise<void> {
    await burnFlow.run(db, { id: flowId, now: this.ctx.clock.now() });
  }
}
