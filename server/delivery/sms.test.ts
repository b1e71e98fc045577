import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSmsProvider, SmsDeliveryError, twilioSmsProvider, type OutgoingSms } from './sms';

const code = '481516';
const sms: OutgoingSms = { id: 'Qm9vdHN0cmFwSWQx', to: '+31612345678', body: `Your WEM code is ${code}` };

describe('fileSmsProvider', () => {
  let outboxDir: string | undefined;

  afterEach(async () => {
    if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
    outboxDir = undefined;
  });

  async function fileOutbox() {
    outboxDir = await mkdtemp(path.join(tmpdir(), 'wem-sms-'));
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    return { provider: fileSmsProvider(outboxDir, log), dir: path.join(outboxDir, 'sms'), lines };
  }

  it('writes the SMS as {to, body} into outbox/sms, readable only by the server user', async () => {
    const { provider, dir } = await fileOutbox();
    await provider.send(sms);

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const [name = ''] = files;
    expect(name).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z-${sms.id}\\.json$`));
    const file = path.join(dir, name);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ to: sms.to, body: sms.body });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps one file per message, named by its outbox id', async () => {
    const { provider, dir } = await fileOutbox();
    await provider.send(sms);
    await provider.send({ id: 'U2Vjb25kTWVzc2FnZQ', to: '+32470123456', body: 'Your WEM code is 000111' });

    const files = (await readdir(dir)).sort();
    expect(files.map((f) => f.slice(f.lastIndexOf('Z-') + 2))).toEqual(
      ['Qm9vdHN0cmFwSWQx.json', 'U2Vjb25kTWVzc2FnZQ.json'].sort(),
    );
  });

  it('logs one line per message naming the file and the masked number, never the code', async () => {
    const { provider, dir, lines } = await fileOutbox();
    await provider.send(sms);

    expect(lines).toHaveLength(1);
    const [line = ''] = lines;
    const entry = JSON.parse(line);
    const [name] = await readdir(dir);
    expect(entry.outboxFile).toBe(path.join(dir, name ?? ''));
    expect(entry.to).toBe('•••• 78');
    expect(line).not.toContain(code);
    expect(line).not.toContain(sms.to);
  });

  it('refuses an id that would write outside the outbox directory', async () => {
    const { provider, dir } = await fileOutbox();
    const error = await provider.send({ ...sms, id: '../../escaped' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect(error).toMatchObject({ permanent: true });
    expect(await readdir(path.dirname(dir))).toEqual([]);
  });
});

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for api.twilio.com on 127.0.0.1 that records each request and answers with `answer`. */
class TwilioPeer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly received: ReceivedRequest[],
  ) {}

  static async start(answer: (res: ServerResponse) => void): Promise<TwilioPeer> {
    const received: ReceivedRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TwilioPeer(server, `http://127.0.0.1:${port}`, received);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const sid = 'AC0123456789abcdef0123456789abcdef';
const token = 'tw-auth-token-do-not-log';

function json(status: number, body: object): (res: ServerResponse) => void {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

const created = json(201, { sid: 'SM0123', status: 'queued' });

describe('twilioSmsProvider', () => {
  const peers: TwilioPeer[] = [];

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  });

  async function peer(answer: (res: ServerResponse) => void): Promise<TwilioPeer> {
    const started = await TwilioPeer.start(answer);
    peers.push(started);
    return started;
  }

  function twilio(baseUrl: string, timeoutMs?: number) {
    return twilioSmsProvider({
      baseUrl,
      accountSid: sid,
      authToken: token,
      from: '+3197010000000',
      timeoutMs,
    });
  }

  async function failureOf(sending: Promise<void>): Promise<SmsDeliveryError> {
    const error = await sending.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof SmsDeliveryError))
      throw new Error(`expected an SmsDeliveryError, got ${String(error)}`);
    expect(error.message).not.toContain(code);
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
    return error;
  }

  it('posts To, From and Body as a form to the account’s Messages resource with basic auth', async () => {
    const twilioPeer = await peer(created);
    const body = 'Code 481516 & more: 50% = ½ + é';
    await twilio(twilioPeer.url).send({ ...sms, body });

    expect(twilioPeer.received).toHaveLength(1);
    const [request] = twilioPeer.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`);
    expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(request?.body);
    expect(Object.fromEntries(form)).toEqual({ To: '+31612345678', From: '+3197010000000', Body: body });
  });

  it('accepts a base URL with a trailing slash', async () => {
    const twilioPeer = await peer(created);
    await twilio(`${twilioPeer.url}/`).send(sms);
    expect(twilioPeer.received[0]?.url).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
  });

  it.each([200, 201])('counts HTTP %i as sent', async (status) => {
    const twilioPeer = await peer(json(status, { sid: 'SM0123', status: 'queued' }));
    await expect(twilio(twilioPeer.url).send(sms)).resolves.toBeUndefined();
  });

  it('counts a 201 as sent even when the rest of the answer never arrives, so the SMS is not sent twice', async () => {
    const twilioPeer = await peer((res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"sid": "SM');
    });
    await expect(twilio(twilioPeer.url, 300).send(sms)).resolves.toBeUndefined();
  });

  it('gives up on a number Twilio refuses (400), keeping Twilio’s error code', async () => {
    const twilioPeer = await peer(
      json(400, { code: 21211, message: `The 'To' number ${sms.to} is not valid.`, status: 400 }),
    );
    const error = await failureOf(twilio(twilioPeer.url).send(sms));
    expect(error).toMatchObject({ status: 400, permanent: true, providerCode: 21211 });
  });

  it('gives up when the credentials are refused (401), without repeating the token', async () => {
    const twilioPeer = await peer(json(401, { code: 20003, message: 'Authenticate', status: 401 }));
    const error = await failureOf(twilio(twilioPeer.url).send(sms));
    expect(error).toMatchObject({ status: 401, permanent: true, providerCode: 20003 });
  });

  it.each([500, 503, 429, 408])('retries later after HTTP %i', async (status) => {
    const twilioPeer = await peer(json(status, { code: 20500, message: 'Try again', status }));
    const error = await failureOf(twilio(twilioPeer.url).send(sms));
    expect(error).toMatchObject({ status, permanent: false });
  });

  it('retries later after an error page that is not JSON', async () => {
    const twilioPeer = await peer((res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<h1>Bad gateway</h1>');
    });
    const error = await failureOf(twilio(twilioPeer.url).send(sms));
    expect(error).toMatchObject({ status: 502, permanent: false, providerCode: undefined });
  });

  it('retries later when Twilio never answers, after the timeout', async () => {
    const twilioPeer = await peer(() => {});
    const started = performance.now();
    const error = await failureOf(twilio(twilioPeer.url, 200).send(sms));
    expect(error).toMatchObject({ status: undefined, permanent: false });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(twilioPeer.received).toHaveLength(1);
  });

  it('retries later when the connection is refused', async () => {
    const closed = await TwilioPeer.start(created);
    await closed.stop();
    const error = await failureOf(twilio(closed.url).send(sms));
    expect(error).toMatchObject({ status: undefined, permanent: false });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('does not follow a redirect, so neither the credentials nor the code go to another host', async () => {
    const elsewhere = await peer(created);
    const redirecting = await peer((res) => {
      res.writeHead(307, { location: `${elsewhere.url}/2010-04-01/Accounts/${sid}/Messages.json` });
      res.end();
    });
    const error = await failureOf(twilio(redirecting.url).send(sms));
    expect(error).toMatchObject({ status: 307, permanent: true });
    expect(elsewhere.received).toHaveLength(0);
  });
});
