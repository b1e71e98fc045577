import type { Profiler } from 'node:inspector';

/**
 * Where the API's main thread spends a request, by library: the evidence behind a missed target's
 * note. Each CPU-profile sample is charged to the first category found walking from the running
 * function up to the root (so Kysely calling into better-sqlite3 is "SQLite", Fastify calling the
 * zod serialiser is "zod").
 */
const categories: [name: string, test: RegExp][] = [
  ['idle', /^\(idle\)/],
  ['garbage collection', /^\(garbage collector\)/],
  [
    'SQLite (better-sqlite3 executing)',
    // Kysely 0.29 ships dist/dialect/…, earlier versions dist/esm/dialect/….
    /^(executeQuery|prepare) .*node_modules\/(kysely\/dist\/(esm\/)?dialect\/sqlite|better-sqlite3)\/|node_modules\/better-sqlite3\//,
  ],
  ['PostgreSQL client (pg)', /node_modules\/(pg|pg-protocol|pg-pool)\//],
  ['Kysely (building, compiling, running queries)', /node_modules\/kysely\//],
  ['request logs (pino)', /node_modules\/(pino|sonic-boom|@pinojs)\/|server\/http\/logging/],
  ['zod (validation and serialisation)', /node_modules\/(zod|fastify-type-provider-zod)\//],
  ['crypto (hashes, AES, HMAC, TOTP)', /internal\/crypto|node_modules\/(otplib|@otplib|@noble|@scure)\//],
  [
    'Fastify and HTTP',
    /node_modules\/(fastify|find-my-way|secure-json-parse|@fastify|avvio|light-my-request)\/|node:_http|node:net|internal\/streams|_http_/,
  ],
  ['the API’s own code (server/)', /\/server\//],
];

export interface CpuShare {
  category: string;
  /** Share of the time the main thread was busy (idle excluded). */
  busyShare: number;
}

export function cpuShares(profile: Profiler.Profile): { busyShares: CpuShare[]; idleShare: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const charged = new Map<number, string>();
  const categoryOf = (leaf: number): string => {
    const known = charged.get(leaf);
    if (known) return known;
    let found = 'other';
    for (let id: number | undefined = leaf; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)?.callFrame;
      const name = frame ? `${frame.functionName} ${frame.url}` : '';
      const match = categories.find(([, test]) => test.test(name));
      if (match) {
        found = match[0];
        break;
      }
    }
    charged.set(leaf, found);
    return found;
  };
  const counts = new Map<string, number>();
  for (const sample of profile.samples ?? []) {
    const category = categoryOf(sample);
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const total = profile.samples?.length ?? 0;
  const idle = counts.get('idle') ?? 0;
  counts.delete('idle');
  const busy = Math.max(1, total - idle);
  return {
    idleShare: total === 0 ? 0 : idle / total,
    busyShares: [...counts]
      .map(([category, count]) => ({ category, busyShare: count / busy }))
      .sort((a, b) => b.busyShare - a.busyShare),
  };
}
