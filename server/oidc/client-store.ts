import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import type { Db } from '../db/schema';
import type { Clock } from '../support/clock';
import type { Random } from '../support/random';
import type { SecretBox } from '../support/secret-key';
import type { SecretMethod } from './client-auth';

/** A relying party as `npm run admin -- client add` registers it (docs/oidc.md). */
export interface NewClient {
  id: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** A public client (a browser or desktop app) has no secret and must use PKCE. */
  public: boolean;
  /** First-party clients (Modeler, MyWEM) skip the consent screen. */
  firstParty: boolean;
  backchannelLogoutUri: string | undefined;
  /** Where the desktop app's "Open …" lands once the browser is signed in. */
  launchUrl: string | undefined;
}

export interface ClientView {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  public: boolean;
  firstParty: boolean;
  backchannelLogoutUri: string | null;
  launchUrl: string | null;
  createdAt: string;
}

const storedMetadata = z.object({
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']),
  backchannel_logout_uri: z.string().optional(),
});

export const clientIdPattern = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * All SQL on oidc_clients. A confidential client's secret is shown once when it is made and kept sealed
 * with the server key: oidc-provider compares the secret itself, so a hash would not do.
 */
export class ClientStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly box: SecretBox,
  ) {}

  /** Registers a client; returns its secret (confidential clients only), which is not shown again. */
  async add(client: NewClient): Promise<{ secret: string | undefined }> {
    const secret = client.public ? undefined : this.random.bytes(32).toString('base64url');
    const metadata: z.infer<typeof storedMetadata> = {
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      // client_secret_post is accepted as well: see metadataOf and client-auth.ts.
      token_endpoint_auth_method: client.public ? 'none' : 'client_secret_basic',
      ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri } : {}),
    };
    await this.db
      .insertInto('oidc_clients')
      .values({
        id: client.id,
        name: client.name,
        metadata: JSON.stringify(metadata),
        secret_sealed: secret ? this.box.seal(secret) : null,
        first_party: client.firstParty ? 1 : 0,
        launch_url: client.launchUrl ?? null,
        created_at: this.clock.now(),
      })
      .execute();
    return { secret };
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('oidc_clients').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  async list(): Promise<ClientView[]> {
    const rows = await this.db.selectFrom('oidc_clients').selectAll().orderBy('id').execute();
    return rows.map((row) => {
      const metadata = storedMetadata.parse(JSON.parse(row.metadata));
      return {
        clientId: row.id,
        name: row.name,
        redirectUris: metadata.redirect_uris,
        postLogoutRedirectUris: metadata.post_logout_redirect_uris,
        public: metadata.token_endpoint_auth_method === 'none',
        firstParty: row.first_party === 1,
        backchannelLogoutUri: metadata.backchannel_logout_uri ?? null,
        launchUrl: row.launch_url,
        createdAt: new Date(row.created_at).toISOString(),
      };
    });
  }

  async find(id: string): Promise<ClientView | undefined> {
    return (await this.list()).find((client) => client.clientId === id);
  }

  /** The OpenID metadata oidc-provider builds its Client from, read on every lookup (no restart needed). */
  async metadataOf(
    id: string,
    secretMethod: SecretMethod = 'client_secret_basic',
  ): Promise<ClientMetadata | undefined> {
    const row = await this.db.selectFrom('oidc_clients').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const metadata = storedMetadata.parse(JSON.parse(row.metadata));
    return {
      client_id: row.id,
      client_name: row.name,
      ...metadata,
      ...(row.secret_sealed
        ? { client_secret: this.box.open(row.secret_sealed), token_endpoint_auth_method: secretMethod }
        : {}),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'web',
    };
  }
}
