import { z } from 'zod';
import { createArgon2Hasher } from '../../server/accounts/password-hasher';
import { serveJobs } from '../lib/processes';

/**
 * The hashing floor, in the API's process layout: one Node process on the API's core, the server's own
 * hasher (argon2id with the server's parameters, NFC and all) running on libuv's thread pool, driven
 * with as many verifications in flight as the API has logins in flight.
 */

const job = z.discriminatedUnion('kind', [
  /** One verification at a time: how long one hash takes. */
  z.object({ kind: z.literal('single'), count: z.number().int().positive() }),
  /**
   * `concurrency` loops verifying back to back; verifications finished inside the window
   * [warmupMs, warmupMs + durationMs] are counted, so ramp-up and drain stay out, as for the API.
   */
  z.object({
    kind: z.literal('throughput'),
    concurrency: z.number().int().positive(),
    warmupMs: z.number().min(0),
    durationMs: z.number().positive(),
  }),
]);

const hasher = createArgon2Hasher();
const password = 'violet harbour lantern quay';
const stored = await hasher.hash(password);

async function verifyOnce(): Promise<void> {
  if (!(await hasher.verify(stored, password))) throw new Error('argon2 refused its own hash');
}

serveJobs(
  async (raw) => {
    const request = job.parse(raw);
    if (request.kind === 'single') {
      const times: number[] = [];
      for (let i = 0; i < request.count; i++) {
        const start = performance.now();
        await verifyOnce();
        times.push(performance.now() - start);
      }
      return { timesMs: times };
    }
    let done = 0;
    const from = performance.now() + request.warmupMs;
    const to = from + request.durationMs;
    await Promise.all(
      Array.from({ length: request.concurrency }, async () => {
        while (performance.now() < to) {
          await verifyOnce();
          const at = performance.now();
          if (at >= from && at <= to) done++;
        }
      }),
    );
    const seconds = request.durationMs / 1000;
    return { verifies: done, seconds, rate: done / seconds };
  },
  { threadPool: Number(process.env.UV_THREADPOOL_SIZE ?? 4) },
);
