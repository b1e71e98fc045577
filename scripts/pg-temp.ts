// Starts a throwaway PostgreSQL server for `npm test` when TEST_DATABASE_URL is not set, and for the
// fault tests that take a database server down under a running API.
// The server lives in a temporary directory, trusts local connections, listens on 127.0.0.1 only,
// and runs without fsync. As root, the PostgreSQL binaries run as the `postgres` user (initdb refuses root).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port';

const run = promisify(execFile);

export interface TemporaryPostgres {
  url: string;
  /** Stops the server for good and removes its data. */
  stop(): Promise<void>;
  /**
   * Stops the server but keeps its data and port, as a restart or a crash does. `fast` ends every
   * session with an error first; `immediate` kills the server without a word (crash recovery on start).
   */
  shutDown(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts a server stopped by shutDown again, on the same port with the same data. */
  startAgain(): Promise<void>;
}

const missingBinaries =
  'No PostgreSQL server binaries (initdb, pg_ctl) were found: install them with `sudo apt-get install postgresql` (or set TEST_DATABASE_URL to a server of your own).';

/** The bin directory of the highest PostgreSQL under /usr/lib/postgresql, else the PATH entry with initdb and pg_ctl. */
async function findBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? await readdir(root) : [];
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  const candidates = [
    ...versions.map((v) => join(root, v, 'bin')),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error(missingBinaries);
  return found;
}

async function waitUntilAccepting(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export interface TemporaryPostgresOptions {
  /**
   * Keep synchronous_commit on, so that every commit a client saw survives `shutDown('immediate')`.
   * Off by default: the test suite's server trades that for speed (fsync stays off either way, since
   * only the server process dies, never the machine).
   */
  crashSafeCommits?: boolean;
}

export async function startTemporaryPostgres(
  options: TemporaryPostgresOptions = {},
): Promise<TemporaryPostgres> {
  const bin = await findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'wem-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');

  // Runs a PostgreSQL binary: directly, or as the postgres user when we are root.
  const pgRun = (name: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, name), ...args]]
      : [join(bin, name), args];
    return run(file, argv, { cwd: dir, env: { ...process.env, LC_ALL: 'C' } });
  };

  const running = () => existsSync(join(data, 'postmaster.pid'));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (running())
        await pgRun('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
        throw new Error(
          'Running as root needs a `postgres` user to run PostgreSQL as (install `postgresql`).',
        );
      });
      const uid = Number(stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      await chown(dir, uid, gid);
    }
    await pgRun('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);

    const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const settings = {
        port: String(port),
        listen_addresses: quote('127.0.0.1'),
        unix_socket_directories: quote(dir),
        fsync: 'off',
        synchronous_commit: options.crashSafeCommits ? 'on' : 'off',
        full_page_writes: 'off',
      };
      const conf = Object.entries(settings).map(([key, value]) => `${key} = ${value}\n`);
      await appendFile(join(data, 'postgresql.auto.conf'), conf.join(''));
      try {
        await pgRun('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '30']);
        const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        await waitUntilAccepting(url, 30_000);
        const shutDown = async (mode: 'fast' | 'immediate') => {
          await pgRun('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30']);
        };
        const startAgain = async () => {
          await pgRun('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '30']);
          await waitUntilAccepting(url, 30_000);
        };
        return { url, stop, shutDown, startAgain };
      } catch (error) {
        // If the server did not come up, most likely someone took the port in between: try another one.
        if (running() || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    const serverLog = await readFile(log, 'utf8').catch(() => '');
    await stop();
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not start a temporary PostgreSQL server (${bin}): ${detail}${serverLog ? `\n${serverLog}` : ''}`,
      { cause: error },
    );
  }
}
