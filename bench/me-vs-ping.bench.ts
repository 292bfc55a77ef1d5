// The cost of authentication and the policy: `me` (JWT verified, one row read) beside the
// constant `ping` on the same server in the same run. Target: `me` >= 70% of `ping`.
//   node -r @swc-node/register bench/me-vs-ping.bench.ts [--no-build]
import { Factories, TEST_PASSWORD } from '@app/testing';
import { load, printTable, startBenchApi } from './support/bench-api';

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
    const ping = await load('ping', api.url, { query: 'query Ping { ping }' });
    const me = await load('me (JWT + policy + 1 row)', api.url, { query: 'query Me { me { id email role } }' }, auth);
    if (process.argv.includes('--diagnose')) printTable([await load('ping with a token (JWT only)', api.url, { query: 'query Ping { ping }' }, auth)]);
    printTable([ping, me]);
    process.stdout.write(`me / ping = ${(me.requestsPerSecond / ping.requestsPerSecond).toFixed(2)}\n`);
  } finally {
    await api.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
