/** Durations and sizes of one run. BENCH_QUICK=1 shortens everything for development; its figures are noise. */
export interface Settings {
  quick: boolean;
  repetitions: number;
  /** Load that runs before a measurement window opens and is not counted. */
  warmupMs: number;
  /** The counted window of a closed-loop login run (figures 1 and 5). */
  loginMs: number;
  /** The counted part of the open-loop run (figure 2). */
  latencyMs: number;
  /** Seeded login flows per factor type and repetition (figure 3): more than the window can use. */
  verifies: number;
  /** Uncounted start and counted window of a verification run (figure 3). */
  verifyWarmupMs: number;
  verifyMs: number;
  /** Sequential verifications whose median is "one hash" (figure 2). */
  singleHashes: number;
  loginConnections: number;
  verifyConnections: number;
  cannonConnections: number;
  cannonWarmupMs: number;
  cannonMs: number;
  /** Chromium navigations (figure 7) and authenticator code passes (figure 8). */
  navigations: number;
  codePasses: number;
  log: (line: string) => void;
}

export function settingsFrom(env: NodeJS.ProcessEnv): Settings {
  const quick = env.BENCH_QUICK === '1';
  const log = (line: string) =>
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  return quick
    ? {
        quick,
        repetitions: 2,
        warmupMs: 1000,
        loginMs: 3000,
        latencyMs: 5000,
        verifies: 1500,
        verifyWarmupMs: 500,
        verifyMs: 2000,
        singleHashes: 5,
        loginConnections: 8,
        verifyConnections: 8,
        cannonConnections: 16,
        cannonWarmupMs: 1000,
        cannonMs: 2000,
        navigations: 3,
        codePasses: 20,
        log,
      }
    : {
        quick,
        repetitions: 5,
        warmupMs: 2000,
        loginMs: 6000,
        latencyMs: 12000,
        verifies: 4000,
        verifyWarmupMs: 1000,
        verifyMs: 3000,
        singleHashes: 11,
        loginConnections: 8,
        verifyConnections: 8,
        cannonConnections: 16,
        cannonWarmupMs: 1000,
        cannonMs: 4000,
        navigations: 9,
        codePasses: 101,
        log,
      };
}
