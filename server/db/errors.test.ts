import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isUniqueViolation } from './errors';

const withCode = (code: string, message = 'driver error') => Object.assign(new Error(message), { code });

describe('driver errors that mean the database is away', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a server shutting down', withCode('57P01', 'terminating connection due to administrator command')],
    ['a server starting up', withCode('57P03', 'the database system is starting up')],
    ['a statement over statement_timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['too many connections', withCode('53300', 'sorry, too many clients already')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a full pool', new Error('timeout exceeded when trying to connect')],
    ['a server that does not answer', new Error('Query read timeout')],
    ['a client broken earlier', new Error('Client has encountered a connection error and is not queryable')],
    ['a busy SQLite file', withCode('SQLITE_BUSY_SNAPSHOT')],
    [
      'a wrapped connect timeout',
      new Error('wrapper', { cause: new Error('Connection terminated due to connection timeout') }),
    ],
  ])('counts %s as unavailable (503)', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a bug', new TypeError('Cannot read properties of undefined')],
    ['not an error at all', 'ECONNREFUSED'],
  ])('does not count %s as unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('still tells a unique violation apart', () => {
    expect(isUniqueViolation(withCode('23505'))).toBe(true);
    expect(isUniqueViolation(withCode('57P01'))).toBe(false);
  });
});
