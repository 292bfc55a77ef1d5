import type { LookupAddress } from 'node:dns';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook, REPLY_BYTES_READ } from './webhook-post';

/** A receiver on a loopback port that counts what reaches it and answers as told. */
async function receiver(answer: (res: ServerResponse) => void): Promise<{ server: Server; port: number; received: () => number }> {
  let received = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received++;
    req.resume();
    req.on('end', () => answer(res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, received: () => received };
}

/** A resolver that answers every name with the given addresses (a name pointed at the platform's network). */
const resolvingTo =
  (...addresses: string[]) =>
  (_host: string, _options: unknown, callback: (error: null, addresses: LookupAddress[]) => void): void =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

const headers = { 'content-type': 'application/json' };

describe('postWebhook', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    servers = [];
  });
  const start = async (answer: (res: ServerResponse) => void) => {
    const r = await receiver(answer);
    servers.push(r.server);
    return r;
  };

  it('delivers to a local receiver outside production', async () => {
    const r = await start((res) => res.writeHead(204).end());
    const result = await postWebhook(`http://127.0.0.1:${r.port}/hook`, headers, '{}', { timeoutMs: 5000, publicOnly: false });
    expect(result).toEqual({ statusCode: 204, error: null });
    expect(r.received()).toBe(1);
  });

  it.each(['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::127.0.0.1]', 'localhost', 'receiver', 'hooks.internal'])(
    'in production refuses %s before connecting',
    async (host) => {
      const r = await start((res) => res.writeHead(200).end());
      const result = await postWebhook(`http://${host}:${r.port}/hook`, headers, '{}', { timeoutMs: 5000, publicOnly: true });
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/^refused: /);
      expect(r.received()).toBe(0);
    },
  );

  it('in production refuses a public-looking name that resolves to a private address when it connects', async () => {
    const r = await start((res) => res.writeHead(200).end());
    for (const addresses of [['127.0.0.1'], ['93.184.216.34', '10.0.0.7'], ['::ffff:169.254.169.254']]) {
      const result = await postWebhook(`http://receiver.bank.example:${r.port}/hook`, headers, '{}', {
        timeoutMs: 5000,
        publicOnly: true,
        resolve: resolvingTo(...addresses) as never,
      });
      expect(result.statusCode).toBeNull();
      expect(result.error).toBe('refused: receiver.bank.example resolves to an address that is not public');
    }
    expect(r.received()).toBe(0);
  });

  it('reads at most the first KiB of a large reply and keeps its start as the reason', async () => {
    const r = await start((res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      // an endless reply: only a reader that stops ends it
      let stopped = false;
      res.on('close', () => (stopped = true));
      const more = (): void => {
        while (!stopped && res.write(chunk));
        if (!stopped) res.once('drain', more);
      };
      more();
    });
    const started = Date.now();
    const result = await postWebhook(`http://127.0.0.1:${r.port}/hook`, headers, '{}', { timeoutMs: 10_000, publicOnly: false });
    expect(result.statusCode).toBe(500);
    expect(result.error).toBe(`HTTP 500: ${'x'.repeat(200)}`);
    expect(REPLY_BYTES_READ).toBe(1024);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up after its timeout with a reason', async () => {
    const r = await start(() => undefined); // never answers
    const result = await postWebhook(`http://127.0.0.1:${r.port}/hook`, headers, '{}', { timeoutMs: 300, publicOnly: false });
    expect(result).toEqual({ statusCode: null, error: 'no answer within 300 ms' });
    for (const s of servers) s.closeAllConnections();
  });

  it('gives up connecting after connectTimeoutMs, well within the whole timeout', async () => {
    // a name whose resolution never answers: the connection never gets made
    const hanging = (() => undefined) as never;
    const started = Date.now();
    const result = await postWebhook('http://hooks.example.com/hook', headers, '{}', { timeoutMs: 5_000, connectTimeoutMs: 200, publicOnly: true, resolve: hanging });
    expect(result).toEqual({ statusCode: null, error: 'could not connect within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a connected receiver has the whole timeout to answer, not the connect timeout', async () => {
    const r = await start((res) => setTimeout(() => res.writeHead(200).end(), 400));
    const result = await postWebhook(`http://127.0.0.1:${r.port}/hook`, headers, '{}', { timeoutMs: 5_000, connectTimeoutMs: 100, publicOnly: false });
    expect(result).toEqual({ statusCode: 200, error: null });
  });
});
