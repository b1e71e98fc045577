import { sql } from 'kysely';
import type { SignupFields, TestApi } from './harness';
import { uniqueEmail } from './harness';
import { activationTokenIn } from './smtp-peer';

/** A valid signup body; every test that needs a different field overrides it. */
export function signupBody(overrides: Partial<SignupFields> = {}): SignupFields {
  return {
    firstName: 'Jane',
    lastName: 'Doe',
    email: uniqueEmail(),
    password: 'violet-harbour-lantern-42',
    acceptTerms: true,
    ...overrides,
  };
}

/** Every row of every table, as one string: to prove a secret is stored nowhere, in any form we know. */
export async function everythingStored(db: TestApi['db']): Promise<string> {
  const tables = await db.introspection.getTables();
  const dumps: string[] = [];
  for (const table of tables) {
    const { rows } = await sql`select * from ${sql.table(table.name)}`.execute(db);
    dumps.push(`${table.name}: ${JSON.stringify(rows)}`);
  }
  return dumps.join('\n');
}

/** The activation token from the newest mail the address received. */
export async function latestActivationToken(t: TestApi, email: string): Promise<string> {
  const mails = await t.mailsTo(email);
  const mail = mails.at(-1);
  if (!mail) throw new Error(`no mail to ${email}`);
  return activationTokenIn(mail);
}

/** Signs up and returns the fields plus the token from the activation mail. */
export async function signupWithToken(
  t: TestApi,
  overrides: Partial<SignupFields> = {},
): Promise<SignupFields & { token: string }> {
  const fields = await t.signup(overrides);
  return { ...fields, token: await latestActivationToken(t, fields.email) };
}

/** Posts an HTML form, as a browser does from the activation page. */
export function postForm(
  t: TestApi,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): ReturnType<TestApi['request']> {
  return t.request('POST', url, new URLSearchParams(fields).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    ...headers,
  });
}

/** A number of accounts rows for one address, however it was typed. */
export async function accountRowsFor(db: TestApi['db'], emailNormalized: string): Promise<number> {
  const rows = await db
    .selectFrom('accounts')
    .select('id')
    .where('email_normalized', '=', emailNormalized)
    .execute();
  return rows.length;
}
