import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Child processes of the benchmark, each on its own core where the machine allows: the API (and the
 * database server, and the argon2 loop it is compared with) on one core, the load generator on the
 * other, so the two never take time from each other and a ratio compares like with like.
 */

const cleanups = new Set<() => Promise<void>>();

/**
 * Registers what must not outlive an interrupted run (children, the throwaway PostgreSQL); returns
 * the function that unregisters it once it has been cleaned up normally.
 */
export function cleanUpOnInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Ctrl-C or a kill: stop every registered child and server, then exit. */
export function installInterruptHandler(): void {
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the benchmark's processes\n`);
    void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
}

export interface Pinning {
  /** False when taskset is missing or there is one core; the reason then says which. */
  available: boolean;
  reason: string;
  /** The core of everything measured: the API, its database server, the argon2 loop, the bare route. */
  serverCore: number;
  /** The core of the load generator and of this orchestrating process. */
  loadCore: number;
  /** Every core, for work that is not compared (builds, the browser): "0-1" on two cores. */
  allCores: string;
}

export function detectPinning(): Pinning {
  const cores = availableParallelism();
  const unpinned = { serverCore: 0, loadCore: 1, allCores: `0-${cores - 1}` };
  const taskset = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
  if (taskset.error) return { available: false, reason: 'taskset not found', ...unpinned };
  if (cores < 2) return { available: false, reason: `only ${cores} core`, ...unpinned };
  return {
    available: true,
    reason: `taskset: server side on core 0, load generator on core 1 (${cores} cores)`,
    ...unpinned,
  };
}

/** Pins a running process and all its threads (libuv's pool too) to the given cores, e.g. "1" or "0,1". */
export function pinProcess(pid: number, cores: string, pinning: Pinning): void {
  if (!pinning.available) return;
  const result = spawnSync('taskset', ['-a', '-c', '-p', cores, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset -p ${cores} ${pid} failed: ${result.stderr}`);
}

/** The parent of a process, from /proc. */
export function parentOf(pid: number): number {
  return parentIn(readFileSync(path.join('/proc', String(pid), 'stat'), 'utf8'));
}

// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
function parentIn(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** A process and every process below it (PostgreSQL's postmaster and its backends), from /proc. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parents.set(Number(name), parentIn(readFileSync(path.join('/proc', name, 'stat'), 'utf8')));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** What a child says: it is ready (and how to reach it), or the outcome of one job. */
const childMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), info: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('result'), id: z.number(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number(), message: z.string() }),
]);
type ChildMessage = z.infer<typeof childMessage>;

/** A TypeScript child process (run through tsx) that answers jobs over Node's IPC channel. */
export class BenchChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly stderr: string[] = [];
  private readonly readyInfo: Promise<Record<string, unknown>>;
  private exited = false;

  private readonly forget: () => void;

  private constructor(private readonly child: ChildProcess) {
    this.forget = cleanUpOnInterrupt(() => this.stop());
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderr.push(text);
      if (this.stderr.length > 50) this.stderr.shift();
      if (process.env.BENCH_VERBOSE === '1') process.stderr.write(text);
    });
    let ready: (info: Record<string, unknown>) => void;
    let failed: (error: Error) => void;
    this.readyInfo = new Promise((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    // A rejection nobody awaited yet (the child died before ready() was called) must not crash us.
    this.readyInfo.catch(() => undefined);
    child.on('message', (raw: unknown) => {
      const message: ChildMessage = childMessage.parse(raw);
      if (message.type === 'ready') return ready(message.info);
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.type === 'error') waiter.reject(new Error(`${message.message}\n${this.log()}`));
      else waiter.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`${this.label()} exited (${signal ?? code})\n${this.log()}`);
      failed(error);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  static start(
    entry: string,
    options: { core?: number; pinning: Pinning; env?: NodeJS.ProcessEnv; nodeArgs?: string[] },
  ): BenchChild {
    const nodeArgs = [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      path.resolve(import.meta.dirname, '..', entry),
    ];
    const pinned = options.core !== undefined && options.pinning.available;
    // taskset execs node in its own place: same pid, same IPC channel, pinned from the first instruction.
    const [command, args] = pinned
      ? ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    const child = spawn(command, args, {
      // Logs go nowhere: the API logs every request at info, as deployed, and the cost stays in.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    return new BenchChild(child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('child has no pid');
    return this.child.pid;
  }

  /** The child's first message: it has started and says how to reach it. */
  async ready<T>(schema: z.ZodType<T>): Promise<T> {
    return schema.parse(await this.readyInfo);
  }

  /** Sends one job; the answer is checked against `schema`. */
  call<T>(job: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (value) => {
          const parsed = schema.safeParse(value);
          if (parsed.success) resolve(parsed.data);
          else reject(new Error(`${this.label()} answered unexpectedly: ${parsed.error.message}`));
        },
        reject,
      });
      this.child.send({ job, id });
    });
  }

  async stop(): Promise<void> {
    this.forget();
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timeout);
  }

  private label(): string {
    return `bench child ${this.child.spawnargs.slice(-1).join(' ')}`;
  }

  private log(): string {
    return this.stderr.join('').slice(-4000);
  }
}

const jobEnvelope = z.object({ id: z.number(), job: z.unknown() });

/**
 * The child side: answers each job from the parent with `handle`'s result, or with the error. `handle`
 * gets the job as sent and checks it itself.
 */
export function serveJobs(handle: (job: unknown) => Promise<unknown>, ready: Record<string, unknown>): void {
  const send = (message: ChildMessage) => process.send?.(message);
  process.on('message', (raw: unknown) => {
    const { id, job } = jobEnvelope.parse(raw);
    Promise.resolve()
      .then(() => handle(job))
      .then(
        (result) => send({ id, type: 'result', result }),
        (error: unknown) =>
          send({
            id,
            type: 'error',
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  // The parent went away (crashed or finished): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', info: ready });
}
