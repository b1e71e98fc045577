import formBody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import pino, { type Logger } from 'pino';
import { healthResponse } from '../common/contract/http';
import { ActivationService } from './accounts/activation';
import { createArgon2Hasher, type PasswordHasher } from './accounts/password-hasher';
import { accountRoutes } from './accounts/routes';
import { SignupService } from './accounts/signup';
import { AuditLog } from './admin/audit-log';
import type { Config } from './config';
import type { ServerContext } from './context';
import type { DatabaseHandle } from './db/connect';
import { Outbox } from './delivery/outbox';
import { OutboxWorker } from './delivery/outbox-worker';
import { fileMailTransport, smtpTransport, type MailTransport } from './delivery/transports';
import { activationPage } from './http/activation-page';
import { installErrorHandling } from './http/error-handler';
import { loggerOptions } from './http/logging';
import { RateLimiter } from './http/rate-limiter';
import type { ApiInstance } from './http/route-types';
import { LoginService } from './login/login-service';
import { PasswordGuard } from './login/password-guard';
import { loginRoutes } from './login/routes';
import { Sessions } from './login/sessions';
import { systemClock, type Clock } from './support/clock';
import { cryptoRandom, type Random } from './support/random';
import { loadOrCreateSecretKey, SecretBox } from './support/secret-key';
import path from 'node:path';

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  clock?: Clock;
  random?: Random;
  hasher?: PasswordHasher;
  /** Defaults to SMTP when MAIL_URL is set, else the outbox folder in DATA_DIR. */
  mailTransport?: MailTransport;
  logger?: Logger;
  /** Start delivering mail in the background (the server does; tests usually drain by hand). */
  startWorker?: boolean;
  workerPollMs?: number;
}

export interface AccountApi {
  app: ApiInstance;
  context: ServerContext;
  worker: OutboxWorker;
  /** Stops taking requests, finishes the ones in flight, stops the worker. Leaves the database open. */
  close(): Promise<void>;
}

const bodyLimit = 64 * 1024;

/** The composition root of the account API: every collaborator is made here and passed in. */
export async function buildApp(options: AppOptions): Promise<AccountApi> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const log = options.logger ?? pino(loggerOptions(config.logLevel));
  const masterKey = loadOrCreateSecretKey(config.secretKey, config.dataDir, random);
  const transport =
    options.mailTransport ??
    (config.mailUrl
      ? smtpTransport(config.mailUrl)
      : fileMailTransport(path.join(config.dataDir, 'outbox'), log));

  // The worker is made below; by the time anything is queued and kicked, it exists.
  const outbox = new Outbox(clock, random, new SecretBox(masterKey, 'outbox', random), () => worker.kick());
  const context: ServerContext = {
    config,
    db: database.db,
    dialect: database.dialect,
    clock,
    random,
    hasher: options.hasher ?? createArgon2Hasher(),
    outbox,
    audit: new AuditLog(clock, random),
    limiter: new RateLimiter(database.db, clock),
    log,
  };
  const worker = new OutboxWorker(
    database.db,
    database.dialect,
    outbox,
    transport,
    clock,
    log.child({ component: 'outbox' }),
    {
      from: config.mailFrom,
      pollMs: options.workerPollMs,
    },
  );

  const app = Fastify({
    loggerInstance: log,
    bodyLimit,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('session', null);
  installErrorHandling(app);

  await app.register(formBody, { bodyLimit: 4096 });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'WEM Account API',
        version: '1',
        description: 'Accounts, activation, login, MFA and sessions for WEM.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const sessions = new Sessions(context);
  const activation = new ActivationService(context);
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: healthResponse } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  accountRoutes(app, new SignupService(context), activation);
  loginRoutes(
    app,
    context,
    new LoginService(context, new PasswordGuard(database.db, clock), sessions),
    sessions,
  );
  activationPage(app, activation);

  await app.ready();
  if (options.startWorker) worker.start();

  return {
    app,
    context,
    worker,
    async close() {
      await app.close();
      await worker.stop();
    },
  };
}
