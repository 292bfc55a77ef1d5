// The public credit profile page under load, beside a static file (robots.txt, served by
// @fastify/static) from the same server in the same run. Twice: as configured (each API
// process reuses a rendered page for PUBLIC_PAGE_CACHE_MS, 2 s), and with that cache off, so
// that every view is one PostgreSQL query and a render. The rate limit per address is
// raised (one load generator is one address) but still counted in Redis on every request.
//   node -r @swc-node/register bench/public-profile.bench.ts [--no-build]
import { chinaCalendarDay } from '@app/domain';
import type { CreditRating } from '@app/domain/scoring';
import { PublicProfileRepository, RatingRepository } from '@app/persistence';
import { Factories } from '@app/testing';
import autocannon from 'autocannon';
import { startBenchApi } from './support/bench-api';

interface Figures {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function get(name: string, url: string, seconds = 10, connections = 50): Promise<Figures> {
  const result = await autocannon({ url, method: 'GET', connections, duration: seconds });
  return { name, requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

function print(rows: readonly Figures[]): void {
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(36)} ${String(r.requestsPerSecond).padStart(7)} req/s   p99 ${String(r.p99Ms).padStart(4)} ms   non-2xx ${r.non2xx}  errors ${r.errors}\n`,
    );
  }
}

async function run(label: string, cacheMs: string, port: number): Promise<void> {
  const api = await startBenchApi('ca_bench_partners', port, { PUBLIC_PAGE_RATE_LIMIT: '1000000000', PUBLIC_PAGE_CACHE_MS: cacheMs });
  try {
    const db = api.dataSource.manager;
    const factories = new Factories(api.dataSource);
    const consortium = await factories.consortium();
    const company = await factories.company(consortium.id, { name: `温州市鹿城区明达鞋业有限公司 ${port}${Date.now()}` });
    const rating: CreditRating = {
      companyId: company.id,
      score: 742,
      grade: 'A',
      pd: 0.006,
      inDefault: false,
      reasons: [],
      factors: [{ name: 'PAYMENT_BEHAVIOUR', score: 80, weight: 1 }],
      factorResults: [],
      confidence: 0.9,
      verifiedRecords: 40,
      modelVersion: 'bench',
      asOf: chinaCalendarDay(new Date()),
    };
    await new RatingRepository().insert(db, consortium.id, rating, null, `bench-${Date.now()}`);
    const profiles = new PublicProfileRepository();
    const slug = `bench-${company.id.slice(0, 8)}`;
    const actor = (await factories.user('MEMBER', { companyId: company.id })).id;
    const at = new Date();
    await profiles.lockForChange(db, company.id, actor, at);
    await profiles.save(db, company.id, { slug, fields: ['NAME', 'CREDIT_CODE', 'CONSORTIUM', 'GRADE', 'CERTIFICATIONS', 'COMMUNITY_WORK', 'YEARS_IN_ALLIANCE'], published: true, publishedAt: at }, actor, at);

    const page = `${api.url}/p/${slug}`;
    const check = await fetch(page);
    if (check.status !== 200) throw new Error(`the profile answered ${check.status}`);
    await get('warm-up', page, 3);
    await get('warm-up', `${api.url}/robots.txt`, 2);
    const staticFile = await get('static file /robots.txt', `${api.url}/robots.txt`);
    const profile = await get(`profile page /p/<slug> (${label})`, page);
    const badge = await get(`badge /p/<slug>/badge.svg (${label})`, `${page}/badge.svg`);
    process.stdout.write(`\n${label}\n`);
    print([staticFile, profile, badge]);
    process.stdout.write(
      `page / static = ${(profile.requestsPerSecond / staticFile.requestsPerSecond).toFixed(2)} (req/s), p99 ${profile.p99Ms} ms against ${staticFile.p99Ms} ms\n`,
    );
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  await run('page cache 2 s, as configured', '2000', 3910);
  process.argv.push('--no-build');
  await run('page cache off: one query per view', '0', 3911);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
