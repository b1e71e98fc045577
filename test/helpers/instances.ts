import type { Dialect } from '../../server/db/connect';
import { startTestApi, type TestApi } from './harness';
import { secondInstance, type SecondInstance } from './login';
import type { Requester } from './trust';

/**
 * Two API instances on one database, as two server processes behind a load balancer run: the test API
 * (which owns the database, SMTP peer and fixed clock) and a second instance with its own connection
 * pool and services on the same database, data directory and clock (see secondInstance).
 */
export interface TwoInstances {
  first: TestApi;
  second: SecondInstance;
  /** Request number i goes to instance i % 2. */
  spread<T>(count: number, send: (via: Requester, index: number) => Promise<T>): Promise<T[]>;
  close(): Promise<void>;
}

export async function twoInstances(dialect: Dialect): Promise<TwoInstances> {
  const first = await startTestApi(dialect);
  const second = await secondInstance(first);
  const instances: Requester[] = [first, second];
  return {
    first,
    second,
    spread: (count, send) =>
      Promise.all(Array.from({ length: count }, (_, index) => send(instances[index % 2]!, index))),
    async close() {
      await second.close();
      await first.close();
    },
  };
}
