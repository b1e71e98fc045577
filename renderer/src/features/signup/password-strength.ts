import {
  checkPassword,
  type PasswordContext,
  type PasswordProblem,
} from '../../../../common/domain/password-policy';

export type StrengthLevel = 'empty' | 'weak' | 'fair' | 'good' | 'strong';

export interface Strength {
  level: StrengthLevel;
  /** 0..4, the meter's filled segments. */
  score: number;
  /** The server's own rules (shared code): every problem found here means the server will refuse it. */
  problems: PasswordProblem[];
}

/**
 * The live meter: the same `checkPassword` the server decides with, so "weak" here is exactly what
 * the server refuses; above that, longer and more varied scores higher.
 */
export function passwordStrength(password: string, context: PasswordContext): Strength {
  if (password.length === 0) return { level: 'empty', score: 0, problems: [] };
  const problems = checkPassword(password, context);
  if (problems.length > 0) return { level: 'weak', score: 1, problems };
  const length = [...password].length;
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((kind) =>
    kind.test(password),
  ).length;
  if (length >= 16 || (length >= 12 && kinds >= 3)) return { level: 'strong', score: 4, problems };
  if (length >= 12 || kinds >= 3) return { level: 'good', score: 3, problems };
  return { level: 'fair', score: 2, problems };
}
