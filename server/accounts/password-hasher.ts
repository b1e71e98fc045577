import { hash, verify } from '@node-rs/argon2';

/** argon2id at the OWASP minimum (m = 19 MiB, t = 2, p = 1): about 25 ms here, fine for interactive login. */
export const argon2Options = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolated modules cannot read)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verify, for unknown accounts, so timing tells nothing. */
  verifyDummy(password: string): Promise<void>;
}

/** Passwords are hashed as NFC, so the same password typed on another keyboard or OS still matches. */
export function createArgon2Hasher(options: { memoryCost?: number; timeCost?: number } = {}): PasswordHasher {
  const params = { ...argon2Options, ...options };
  // Made at start, so the first unknown-address login is not slower than the rest (timing tells nothing).
  const dummy = hash('not-a-real-password-but-a-real-hash', params);
  return {
    hash: (password) => hash(password.normalize('NFC'), params),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password.normalize('NFC'));
      } catch {
        return false;
      }
    },
    verifyDummy: async (password) => {
      await verify(await dummy, password.normalize('NFC')).catch(() => false);
    },
  };
}
