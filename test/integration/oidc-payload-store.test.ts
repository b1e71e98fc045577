import { expect, it } from 'vitest';
import { forEachDialect } from '../helpers/harness';
import { OidcPayloadStore } from '../../server/oidc/payload-store';
import type { ClientStore } from '../../server/oidc/client-store';

// The OpenID provider's persistence (docs/architecture.md, "Decisions"): what oidc-provider stores,
// on both databases, with expiry by the API's clock.

const noClients = { metadataOf: async () => undefined } as unknown as ClientStore;

forEachDialect('the OIDC payload store', (t) => {
  const store = () => new OidcPayloadStore(t().db, t().clock, noClients);

  it('finds a payload by id and uid until it expires, then ignores it and the sweep deletes it', async () => {
    const sessions = store().adapterFor('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a1' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'a1' });
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a1' });
    // Another model never sees it.
    expect(await store().adapterFor('Interaction').find('s1')).toBeUndefined();
    t().clock.advance(60_000);
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await store().sweepExpired()).toBe(1);
    expect(await t().db.selectFrom('oidc_payloads').selectAll().execute()).toEqual([]);
  });

  it('marks a payload consumed, replaces it on upsert, and revokes everything of a grant', async () => {
    const codes = store().adapterFor('AuthorizationCode');
    const tokens = store().adapterFor('RefreshToken');
    await codes.upsert('c1', { grantId: 'g1', accountId: 'a1' }, 60);
    await tokens.upsert('r1', { grantId: 'g1' }, 600);
    await tokens.upsert('r2', { grantId: 'g2' }, 600);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    await tokens.upsert('r2', { grantId: 'g2', accountId: 'a2' }, 600);
    expect(await tokens.find('r2')).toMatchObject({ accountId: 'a2' });
    await codes.revokeByGrantId('g1');
    expect(await codes.find('c1')).toBeUndefined();
    expect(await tokens.find('r1')).toBeUndefined();
    expect(await tokens.find('r2')).toBeDefined();
  });

  it('removes everything of one account, and of its grants, for a deleted account', async () => {
    const grants = store().adapterFor('Grant');
    const tokens = store().adapterFor('RefreshToken');
    const sessions = store().adapterFor('Session');
    // An id with LIKE's wildcards and JSON's escapes in it matches itself only.
    const odd = 'a_1%"\\x';
    await grants.upsert('g1', { accountId: odd }, 600);
    await tokens.upsert('r1', { grantId: 'g1' }, 600);
    await sessions.upsert('s1', { uid: 'u1', accountId: odd }, 600);
    await grants.upsert('g2', { accountId: 'ab1%"\\x' }, 600);
    await tokens.upsert('r2', { grantId: 'g2', accountId: 'ab1%"\\x' }, 600);
    await store().removeOfAccount(t().db, odd);
    expect(await grants.find('g1')).toBeUndefined();
    expect(await tokens.find('r1')).toBeUndefined();
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await grants.find('g2')).toBeDefined();
    expect(await tokens.find('r2')).toBeDefined();
  });
});
