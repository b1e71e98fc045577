import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openDatabase } from '../../server/db/connect';
import { forEachDialect, startTestApi } from '../helpers/harness';
import { freePort as closedPort } from '../../scripts/free-port';

// GET /readyz (docs/operations.md): ready only while the database answers and its schema is current;
// GET /healthz keeps answering, so an orchestrator does not restart an instance whose database is away.

forEachDialect('readiness', (t) => {
  it('is ready when the database answers and every migration is applied', async () => {
    const response = await t().request('GET', '/readyz');
    expect(response).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('is not ready while a migration of this build is missing from the database, and alive all along', async () => {
    await sql`delete from kysely_migration where name = ${'0002-mfa'}`.execute(t().db);
    const response = await t().request('GET', '/readyz');
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('service_unavailable');
    expect(response.headers['retry-after']).toBeDefined();
    expect((await t().request('GET', '/healthz')).body).toEqual({ status: 'ok' });
  });
});

describe('readiness without a database', () => {
  it('answers 503 service_unavailable within about a second when PostgreSQL is not listening', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-ready-'));
    const database = openDatabase(`postgres://wem@127.0.0.1:${await closedPort()}/wem`, dataDir);
    const api = await buildApp({
      config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
      database,
      logger: pino({ level: 'silent' }),
    });
    try {
      const started = Date.now();
      const response = await api.app.inject({ method: 'GET', url: '/readyz' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'service_unavailable' } });
      expect((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // The login portal's provider cannot read its signing keys: the same retryable 503.
      const discovery = await api.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
      expect(discovery.statusCode).toBe(503);
      expect(discovery.json()).toMatchObject({ error: { code: 'service_unavailable' } });
    } finally {
      await api.close();
      await database.db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops being ready when its PostgreSQL database goes away under it', async () => {
    const t = await startTestApi('postgres');
    try {
      expect((await t.request('GET', '/readyz')).status).toBe(200);
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.db);
      const server = process.env.TEST_DATABASE_URL ?? '';
      const admin = openDatabase(server, t.dataDir);
      try {
        await sql`drop database ${sql.id(rows[0]?.name ?? '')} with (force)`.execute(admin.db);
      } finally {
        await admin.db.destroy();
      }
      const response = await t.request('GET', '/readyz');
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('service_unavailable');
    } finally {
      await t.close();
    }
  });
});
