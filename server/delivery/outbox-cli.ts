// `npm run outbox`: the mails the API wrote to DATA_DIR/outbox/mail (the default without MAIL_URL),
// oldest first, with their links, so the whole product can be tried with no mail server.
// `npm run outbox -- --last` shows only the newest.
import '../../scripts/require-supported-node'; // first: refuses an unsupported Node before anything else loads
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';

async function main(): Promise<void> {
  const dir = path.resolve(process.env.DATA_DIR ?? './data', 'outbox', 'mail');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
  } catch {
    console.log(`No mail yet: ${dir} does not exist. Start the API with \`npm start\` and sign up first.`);
    return;
  }
  if (process.argv.includes('--last')) files = files.slice(-1);
  if (files.length === 0) console.log(`No mail in ${dir} yet.`);
  for (const file of files) {
    const mail = await simpleParser(readFileSync(path.join(dir, file)));
    const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
    const links = (mail.text ?? '').match(/\bhttps?:\/\/\S+/g) ?? [];
    console.log(`${mail.date?.toISOString() ?? ''}  To: ${to}\n  Subject: ${mail.subject ?? ''}`);
    for (const link of links) console.log(`  Link: ${link}`);
    console.log(`  File: ${path.join(dir, file)}\n`);
  }
}

void main();
