// `npm start`: runs the product on this machine with the embedded defaults — the account API on a
// SQLite file in ./data with mail written to ./data/outbox — and prints where everything is.
// (The desktop app joins here once it exists; see README.)
import { spawn } from 'node:child_process';
import pretty from 'pino-pretty';

const env = { ...process.env };
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
// The API logs JSON lines for machines; a person at a terminal gets them readable.
server.stdout.pipe(pretty({ colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
