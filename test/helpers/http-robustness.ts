import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import { errorBody } from '../../common/contract/http';
import { statusOf } from '../../common/contract/errors';
import type { Dialect } from '../../server/db/connect';
import type { Database } from '../../server/db/schema';
import type { JsonResponse, TestApi } from './harness';

/**
 * Helpers for the robustness tests of the HTTP surface: raw requests (any content type, any bytes),
 * a snapshot of every row in the database, the contract's error shape, and a seeded random source.
 */

/**
 * Tables of server/db/schema.ts that every snapshot must contain, so that a catalogue query which found
 * nothing cannot make two snapshots trivially equal. Snapshots take every table the database has.
 */
export const schemaTables = [
  'accounts',
  'account_roles',
  'activation_links',
  'sessions',
  'password_guards',
  'rate_limits',
  'outbox',
  'audit_log',
] as const satisfies readonly (keyof Database)[];

export type TableSnapshot = Record<string, string[]>;

/**
 * Every row of every table in the database (the schema's and any later migration's), as sorted JSON
 * lines per table: two snapshots are equal exactly when no row was added, removed or changed.
 */
export async function snapshotTables(db: Kysely<Database>, dialect: Dialect): Promise<TableSnapshot> {
  const tables =
    dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
          db,
        );
  const snapshot: TableSnapshot = {};
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    snapshot[name] = rows.rows.map((row) => JSON.stringify(row)).sort();
  }
  for (const table of schemaTables) {
    if (!(table in snapshot)) throw new Error(`table ${table} is missing from the database`);
  }
  return snapshot;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: JsonResponse;
}

export interface RawRequest {
  method: string;
  url: string;
  /** Sent byte for byte: no JSON encoding, no content type added. */
  payload?: string | Buffer;
  headers?: Record<string, string>;
}

export async function sendRaw(t: TestApi, request: RawRequest): Promise<RawResponse> {
  const response = await t.api.app.inject({
    method: request.method as 'GET',
    url: request.url,
    payload: request.payload,
    headers: request.headers ?? {},
  });
  const contentType = String(response.headers['content-type'] ?? '');
  let json: JsonResponse = undefined;
  if (contentType.startsWith('application/json') && response.body) {
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
  }
  return { status: response.statusCode, contentType, text: response.body, json };
}

export const jsonHeaders = { 'content-type': 'application/json' };
export const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * A refusal as docs/api.md defines it: a 4xx whose JSON body is `{error:{code,message}}` with a code from
 * the catalogue, answered with that code's status.
 */
export function expectContractError(response: RawResponse, what: string, code?: string | string[]): void {
  const context = `${what} -> ${response.status} ${response.text.slice(0, 300)}`;
  expect(response.status, context).toBeGreaterThanOrEqual(400);
  expect(response.status, context).toBeLessThan(500);
  expect(response.contentType, context).toMatch(/^application\/json/);
  const parsed = errorBody.safeParse(response.json);
  expect(parsed.success, context).toBe(true);
  if (!parsed.success) return;
  expect(parsed.data.error.message, context).not.toBe('');
  expect(response.status, context).toBe(statusOf(parsed.data.error.code));
  if (code !== undefined) {
    expect(Array.isArray(code) ? code : [code], context).toContain(parsed.data.error.code);
  }
}

/** The activation pages answer people in a browser: a refusal there is a 4xx HTML page or a contract error. */
export function expectPageOrContractError(response: RawResponse, what: string): void {
  if (response.contentType.startsWith('text/html')) {
    const context = `${what} -> ${response.status}`;
    expect(response.status, context).toBeGreaterThanOrEqual(400);
    expect(response.status, context).toBeLessThan(500);
    expect(response.text, context).toMatch(/^<!doctype html>/);
    return;
  }
  expectContractError(response, what);
}

/** A small deterministic generator (mulberry32): the same seed gives the same cases on every run. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/** `METHOD /path` for every route the app registered, read from Fastify's own route tree. */
export function registeredRoutes(api: TestApi): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of api.api.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ├└─]*?)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = `${prefixes[depth - 1] ?? ''}${match[2]}`;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      // HEAD is Fastify's automatic twin of every GET, not a route of its own.
      if (method && method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes.sort();
}
