// The cost of authentication and the policy: `me` (JWT verified, one row read) beside the
// constant `ping` on the same server in the same run. Target: `me` >= 70% of `ping`.
//   node -r @swc-node/register bench/me-vs-ping.bench.ts [--no-build] [--diagnose]
// BENCH_ROUNDS (default 3) alternating rounds of 10 s each; the ratio is of the medians, so a
// load spike from elsewhere on the machine hits one round, not the figure.
import { Factories, TEST_PASSWORD } from '@app/testing';
import { load, type LoadResult, printTable, startBenchApi } from './support/bench-api';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(name: string, results: readonly LoadResult[]): LoadResult {
  const middle = <T>(xs: T[], key: (x: T) => number): number => xs.map(key).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    name,
    requestsPerSecond: middle([...results], (r) => r.requestsPerSecond),
    p99Ms: middle([...results], (r) => r.p99Ms),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

async function main(): Promise<void> {
  const api = await startBenchApi();
  try {
    const factories = new Factories(api.dataSource);
    const consortium = await factories.consortium();
    const company = await factories.company(consortium.id);
    const user = await factories.user('MEMBER', { companyId: company.id });
    const login = (await (
      await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', variables: { e: user.email, p: TEST_PASSWORD } }),
      })
    ).json()) as { data: { login: { accessToken: string } } };
    const auth = { authorization: `Bearer ${login.data.login.accessToken}` };

    await load('warm-up', api.url, { query: '{ ping }' }, {}, 3);
    await load('warm-up', api.url, { query: '{ me { id } }' }, auth, 3);
    const pings: LoadResult[] = [];
    const mes: LoadResult[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      pings.push(await load(`ping #${round}`, api.url, { query: 'query Ping { ping }' }));
      mes.push(await load(`me #${round}`, api.url, { query: 'query Me { me { id email role } }' }, auth));
      printTable([pings[round - 1], mes[round - 1]]);
    }
    if (process.argv.includes('--diagnose')) printTable([await load('ping with a token (JWT only)', api.url, { query: 'query Ping { ping }' }, auth)]);
    const ping = median('ping (median)', pings);
    const me = median('me (JWT + policy + 1 row) (median)', mes);
    printTable([ping, me]);
    process.stdout.write(`me / ping = ${(me.requestsPerSecond / ping.requestsPerSecond).toFixed(2)} (medians of ${ROUNDS} rounds; aim >= 0.70)\n`);
  } finally {
    await api.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
