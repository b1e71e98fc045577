// `npm test`: typecheck, lint, then vitest against PostgreSQL. Extra arguments go to vitest.
// Without TEST_DATABASE_URL, a temporary PostgreSQL server is started for the run and stopped after it.
import { type ChildProcess, spawn } from 'node:child_process';
import { startTemporaryPostgres, type TemporaryPostgres } from './pg-temp';

let child: { proc: ChildProcess; exited: Promise<number> } | undefined;
let postgres: Promise<TemporaryPostgres> | undefined;
let signalCode: number | undefined;

/** Runs a command with inherited stdio in its own process group and resolves to its exit code. */
function step(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const proc = spawn(command, args, { stdio: 'inherit', env, detached: true });
  const exited = new Promise<number>((resolve) => {
    proc.once('error', (error) => {
      console.error(`test: could not run ${command}: ${error.message}`);
      resolve(1);
    });
    proc.once('exit', (code) => resolve(code ?? 1));
  });
  child = { proc, exited };
  return exited;
}

async function finish(code: number): Promise<never> {
  const server = await postgres?.catch(() => undefined);
  await server?.stop();
  process.exit(signalCode ?? code);
}

// On Ctrl-C or SIGTERM: pass the signal to the whole process group of the running step
// (npm and npx start grandchildren), give it a few seconds to end, then stop PostgreSQL.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, async () => {
    signalCode = code;
    if (child?.proc.pid && child.proc.exitCode === null) {
      try {
        process.kill(-child.proc.pid, signal);
      } catch {
        // already gone
      }
      await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    await finish(code);
  });
}

async function main(): Promise<number> {
  for (const script of ['typecheck', 'lint']) {
    const code = await step('npm', ['run', script]);
    if (code !== 0) return code;
  }

  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    postgres = startTemporaryPostgres();
    url = (await postgres).url;
  }
  const shown = new URL(url);
  shown.password = '';
  console.log(`test: PostgreSQL ${postgres ? 'temporary server' : 'from TEST_DATABASE_URL'}: ${shown.href}`);

  return step('npx', ['vitest', 'run', ...process.argv.slice(2)], { ...process.env, TEST_DATABASE_URL: url });
}

main().then(finish, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return finish(1);
});
