import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isNonPublicHost, isPublicAddress } from '@app/domain';

/** The answer of one POST: a status, or why there was none. */
export interface PostResult {
  readonly statusCode: number | null;
  readonly error: string | null;
}

export interface PostOptions {
  readonly timeoutMs: number;
  /**
   * how long the connection (DNS, TCP) may take, within timeoutMs: an address that drops the
   * connection attempt fails in this long rather than the whole timeout
   */
  readonly connectTimeoutMs?: number;
  /** production: connect only to public addresses, whatever the name resolves to */
  readonly publicOnly: boolean;
  /** the resolver (node's dns.lookup); a test hands its own */
  readonly resolve?: typeof dnsLookup;
}

/** The most of a receiver's reply that is read: its first words explain a failure, the rest is not wanted. */
export const REPLY_BYTES_READ = 1024;

type Resolve = (hostname: string, options: { all: true; family?: number }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A lookup for the socket that refuses a name if any address it resolves to is not public.
 * It runs when the connection is made, so a name that answered with a public address when it
 * was registered and a private one now (DNS rebinding) is refused too.
 */
export function publicOnlyLookup(resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    (resolve as unknown as Resolve)(hostname, { family: options.family as number | undefined, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) {
        const refused: NodeJS.ErrnoException = new Error(`refused: ${hostname} resolves to an address that is not public`);
        refused.code = 'ENOTPUBLIC';
        return callback(refused, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * POSTs a webhook body: no redirect followed, bounded in time (the connection within
 * `connectTimeoutMs`, the whole exchange within `timeoutMs`), at most REPLY_BYTES_READ of the
 * reply read (a receiver streaming a large body costs the worker nothing), and, with
 * `publicOnly`, only to public addresses (an address literal is checked before connecting,
 * a name as it is resolved).
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const target = new URL(url);
  if (options.publicOnly && isNonPublicHost(target.hostname)) {
    return Promise.resolve({ statusCode: null, error: `refused: ${target.hostname} is not a public host` });
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise<PostResult>((settle) => {
    let settled = false;
    const done = (result: PostResult): void => {
      if (settled) return;
      settled = true;
      settle(result);
    };
    const failed = (error: Error): void => {
      const reason = signal.aborted ? `no answer within ${options.timeoutMs} ms` : error.message;
      done({ statusCode: null, error: reason.slice(0, 500) });
    };
    const request = send(
      target,
      {
        method: 'POST',
        signal,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(options.publicOnly ? { lookup: publicOnlyLookup(options.resolve) } : {}),
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          if (read < REPLY_BYTES_READ) chunks.push(chunk);
          read += chunk.length;
          if (read >= REPLY_BYTES_READ) response.destroy();
        });
        response.on('error', () => undefined); // a reply cut short still has its status
        response.on('close', () => {
          if (status >= 200 && status < 300) return done({ statusCode: status, error: null });
          const text = Buffer.concat(chunks).subarray(0, REPLY_BYTES_READ).toString('utf8');
          done({ statusCode: status, error: `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}` });
        });
      },
    );
    request.on('error', failed);
    const connectTimeoutMs = options.connectTimeoutMs;
    if (connectTimeoutMs !== undefined && connectTimeoutMs < options.timeoutMs) {
      request.on('socket', (socket) => {
        // a kept-alive socket is connected already
        if (!socket.connecting) return;
        const timer = setTimeout(() => request.destroy(new Error(`could not connect within ${connectTimeoutMs} ms`)), connectTimeoutMs);
        timer.unref();
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
    }
    request.end(body);
  });
}
