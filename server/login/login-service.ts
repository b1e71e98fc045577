import { normaliseEmail } from '../../common/domain/email';
import type { LoginResponse } from '../../common/contract/http';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { PasswordGuard } from './password-guard';
import type { Sessions } from './sessions';

export interface LoginInput {
  email: string;
  password: string;
  deviceToken?: string | undefined;
}

/**
 * The password step of login. Unknown address, wrong password and a locked account give the same
 * answer after the same work (one argon2 verification), so neither the answer nor its timing tells an
 * attacker which it was (SECURITY.md 8). Whether the account is activated is told only after a correct
 * password.
 */
export class LoginService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly guard: PasswordGuard,
    private readonly sessions: Sessions,
  ) {}

  async login(input: LoginInput, ip: string | null): Promise<LoginResponse> {
    const emailNormalized = normaliseEmail(input.email);
    const guardKey = `login:${emailNormalized}`;

    if (!(await this.guard.reserve(guardKey))) {
      await this.ctx.hasher.verifyDummy(input.password);
      const account = await this.findAccount(emailNormalized);
      if (account) {
        await this.ctx.audit.record(this.ctx.db, {
          accountId: account.id,
          actor: 'user',
          action: 'login.password_refused_locked',
          ip,
        });
      }
      throw new ApiError('invalid_credentials');
    }

    const account = await this.findAccount(emailNormalized);
    if (!account) {
      await this.ctx.hasher.verifyDummy(input.password);
      throw new ApiError('invalid_credentials');
    }
    if (!(await this.ctx.hasher.verify(account.password_hash, input.password))) {
      await this.ctx.audit.record(this.ctx.db, {
        accountId: account.id,
        actor: 'user',
        action: 'login.password_failed',
        ip,
      });
      throw new ApiError('invalid_credentials');
    }
    await this.guard.succeeded(guardKey);

    if (account.activated_at === null) throw new ApiError('account_not_activated');

    // Until the account has a factor, the only way forward is enrolling one (API.md rule 3).
    const session = await this.ctx.db.transaction().execute(async (trx) => {
      const created = await this.sessions.create(trx, account.id, { scope: 'enrollment' });
      await this.ctx.audit.record(trx, {
        accountId: account.id,
        actor: 'user',
        action: 'login.succeeded',
        detail: { scope: 'enrollment' },
        ip,
      });
      return created;
    });
    return { state: 'mfa_enrollment_required', session };
  }

  private findAccount(emailNormalized: string) {
    return this.ctx.db
      .selectFrom('accounts')
      .select(['id', 'password_hash', 'activated_at'])
      .where('email_normalized', '=', emailNormalized)
      .executeTakeFirst();
  }
}
