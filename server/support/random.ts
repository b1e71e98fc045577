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

/** Record ids: 96 random bits, base64url. Not secret, only unique and unguessable enough to not enumerate. */
export function newId(random: Random): string {
  return random.bytes(12).toString('base64url');
}
