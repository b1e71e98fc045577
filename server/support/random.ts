import { randomBytes, randomInt } from 'node:crypto';

/** Randomness is injected like the clock, so tests can pin it where they must (and only there). */
export interface Random {
  bytes(count: number): Buffer;
  /** A uniform integer in [0, max). */
  int(max: number): number;
}

export const cryptoRandom: Random = {
  bytes: (count) => randomBytes(count),
  int: (max) => randomInt(max),
};

/**
 * Record ids: 96 random bits, base64url. Not secret, only unique and unguessable enough to not enumerate.
 * Never starting with '-' or '_', so an id pasted into a shell command (npm run admin -- … <id>) is not
 * taken for an option.
 */
export function newId(random: Random): string {
  for (;;) {
    const id = random.bytes(12).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}
