import { AsyncLocalStorage } from 'node:async_hooks';

export type SecretMethod = 'client_secret_basic' | 'client_secret_post';

/**
 * oidc-provider admits only the one token-endpoint method a client is registered with; a confidential
 * client of the portal may use either `client_secret_basic` or `client_secret_post` (docs/api.md). So
 * the method a request actually uses (an `Authorization: Basic` header or not) is noted here for the
 * request's duration, and the client's metadata is read with it; the secret is checked either way.
 */
export const requestSecretMethod = new AsyncLocalStorage<SecretMethod>();

export function secretMethodOf(authorization: string): SecretMethod {
  return /^basic\s/i.test(authorization) ? 'client_secret_basic' : 'client_secret_post';
}
