import '../scripts/require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase, unboundedStatements } from './db/connect';
import { migrateToLatest } from './db/migrate';
import path from 'node:path';

/**
 * `npm run server`: the account API alone, configured from the environment (docs/api.md). Stops gracefully
 * on SIGINT/SIGTERM: no new requests, in-flight ones finish, queued mail stays queued for next time.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  // Migrations get a connection of their own without the per-statement limit of requests: an index on
  // a big table, or waiting for another instance that is migrating, may take longer.
  const migrating = openDatabase(config.databaseUrl, config.dataDir, unboundedStatements);
  const applied = await migrateToLatest(migrating.db).finally(() => migrating.db.destroy());
  const database = openDatabase(config.databaseUrl, config.dataDir);
  const api = await buildApp({ config, database, startWorker: true });
  const log = api.context.log;
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');

  await api.app.listen({ port: config.port, host: config.host });
  const mail = config.mailUrl
    ? `SMTP ${new URL(config.mailUrl).host}`
    : path.resolve(config.dataDir, 'outbox', 'mail');
  log.info(
    {
      url: config.publicUrl,
      database: `${database.dialect} ${database.description}`,
      mail,
      node: process.version,
    },
    'WEM Account API ready',
  );
  // One plain line for the person who just ran `npm start` or `npm run server`.
  process.stderr.write(
    `\nWEM Account API on ${config.publicUrl} (Node.js ${process.version})\n  data: ${database.dialect} ${database.description}\n  mail: ${mail}${config.mailUrl ? '' : '  (read it with `npm run outbox`)'}\n  API description: ${config.publicUrl}/openapi.json\n  login portal: ${config.publicUrl}/portal/  (register an app: npm run admin -- client add --id <id> --name <name> --redirect-uri <uri>; see docs/oidc.md)\n\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await api.close();
    await database.db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `WEM Account API failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
