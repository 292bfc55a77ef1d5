import type { Company } from '@app/domain';
import { RatingFixtures } from '@app/testing';
import type { RunningApi } from '../support/api';
import { type SignedIn, type World } from '../support/world';

export const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id scope active expiresAt revokedAt grantedAt company { id } bank { id } } }`;
export const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id active revokedAt } }`;
export const BANK_RATING = `query($code: String!, $purpose: InquiryPurpose!) {
  bankRating(creditCode: $code, purpose: $purpose) {
    creditCode companyName consortiumName consortiumGrade inquiryId readAt
    rating { score grade pd reasons { code description descriptionZh } factors { name score weight } backed { grade pd notchesUplift } verifiedRecords modelVersion computedAt }
  }
}`;
export const INQUIRIES = `query($companyId: ID!) { inquiries(companyId: $companyId) { id bank { id name } purpose at scope readBy channel } }`;

/** A fresh member company of the home consortium with a signed-in MEMBER, so tests never share rows. */
export async function freshCompany(world: World, consortiumId = world.home.consortium.id): Promise<{ company: Company; member: SignedIn }> {
  const company = await world.factories.company(consortiumId);
  const member = await world.signIn(await world.factories.user('MEMBER', { companyId: company.id }));
  return { company, member };
}

export async function grant(member: SignedIn, bankId: string, scope: 'RATING' | 'REPORT' = 'RATING', expiresAt?: Date): Promise<{ id: string }> {
  const data = await member.client.ok<{ grantConsent: { id: string } }>(GRANT, { input: { bankId, scope, expiresAt: expiresAt?.toISOString() } });
  return data.grantConsent;
}

export async function inquiryCount(api: RunningApi, companyId: string): Promise<number> {
  const rows: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM inquiries WHERE company_id = $1', [companyId]);
  return Number(rows[0].n);
}

export function fixtures(api: RunningApi): RatingFixtures {
  return new RatingFixtures(api.dataSource);
}

/** A bank's receiver of webhooks on a local port: records every request, answers as told. */
export interface Receiver {
  readonly url: string;
  readonly requests: { headers: Record<string, string | string[] | undefined>; body: string; at: number }[];
  /** the status to answer the n-th request (1-based) with */
  answer: (n: number) => number;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(answer: (n: number) => number = () => 200): Promise<Receiver> {
  const { createServer } = await import('node:http');
  const requests: Receiver['requests'] = [];
  const receiver = {
    url: '',
    requests,
    answer,
    waitFor: async (count: number, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`the receiver got ${requests.length} of ${count} requests`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.statusCode = receiver.answer(requests.length);
      res.end(res.statusCode < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  receiver.url = `http://127.0.0.1:${address.port}/credit-alliance/webhook`;
  return receiver;
}

/** A graphql-ws subscription as an outside client opens it: credentials in connection_init. */
export async function subscribe<T>(
  baseUrl: string,
  token: string,
  query: string,
  scheme: 'Bearer' | 'ApiKey' = 'Bearer',
): Promise<{ next(timeoutMs?: number): Promise<T>; received: T[]; errors: unknown[]; closeCode(): number | null; close(): Promise<void> }> {
  const { createClient } = await import('graphql-ws');
  const WebSocket = (await import('ws')).default;
  const client = createClient({ url: `${baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `${scheme} ${token}` },
    retryAttempts: 0,
    lazy: false,
    // a socket closed by the server reaches the sink below (errors); not the console
    onNonLazyError: () => undefined,
  });
  const received: T[] = [];
  const errors: unknown[] = [];
  let closeCode: number | null = null;
  client.on('closed', (event) => {
    closeCode = (event as { code?: number }).code ?? null;
  });
  const ready = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  client.subscribe<T>(
    { query },
    {
      next: (value) => (value.errors?.length ? errors.push(...value.errors) : received.push(value.data as T)),
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  await ready;
  // the subscription starts a moment after the socket: give the server time to register it
  await new Promise((r) => setTimeout(r, 300));
  return {
    received,
    errors,
    closeCode: () => closeCode,
    next: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length === 0) {
        if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadline) throw new Error('no subscription message');
        await new Promise((r) => setTimeout(r, 25));
      }
      return received.shift() as T;
    },
    close: async () => {
      await client.dispose();
    },
  };
}

/** `probe` again every 25 ms until `done` holds of its answer; the answer, or an error naming the last one after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
