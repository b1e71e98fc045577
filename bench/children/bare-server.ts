import Fastify from 'fastify';
import { serveJobs } from '../lib/processes';

/**
 * The floor that GET /v1/me is compared with: the same Fastify, on the same core, answering one
 * constant JSON route with no logger, no hooks, no schema, no database.
 */
const app = Fastify();
app.get('/bare', async () => ({ ok: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('the bare route listens on no TCP port');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
serveJobs(
  async () => {
    throw new Error('the bare route server takes no jobs');
  },
  { url: `http://127.0.0.1:${address.port}` },
);
