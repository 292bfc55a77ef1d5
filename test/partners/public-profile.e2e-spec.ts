import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { type Company } from '@app/domain';
import { onlyError } from '@app/testing';
import { evidence, FILE_SOFT_SIGNAL, VERIFY } from '../records/records-support';
import { movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { get, getUntil, insertRating, PREVIEW, PUBLISH, SET_FIELDS, SETTINGS, UNPUBLISH } from './partners-support';

const slugOf = (label: string): string => `${label}-${randomBytes(4).toString('hex')}`;

interface Settings {
  readonly companyId: string;
  readonly published: boolean;
  readonly slug: string | null;
  readonly fields: string[];
  readonly url: string | null;
  readonly badgeUrl: string | null;
  readonly badgeHtml?: string | null;
}

describe('the public credit profile', () => {
  let api: RunningApi;
  let world: World;
  let owner: SignedIn;
  let company: Company;

  const publish = async (input: Record<string, unknown>, as: SignedIn = owner): Promise<Settings> =>
    (await as.client.ok<{ publishPublicProfile: Settings }>(PUBLISH, { input: { companyId: company.id, ...input } })).publishPublicProfile;
  const page = (slug: string) => get(`${api.url}/p/${slug}`);

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    owner = world.home.memberA;
    company = world.home.companyA;
    await insertRating(api.dataSource, company, 'BBB');
  });
  afterAll(async () => api.close());

  it('answers 404 with nothing of the company before publishing, after unpublishing, and for unknown slugs', async () => {
    const slug = slugOf('xiewu');
    const unknown = await page(slugOf('nobody'));
    expect(unknown.status).toBe(404);

    const settings = await publish({ slug, fields: ['NAME', 'CREDIT_CODE', 'CONSORTIUM', 'GRADE'] });
    expect(settings).toMatchObject({ published: true, slug, url: `http://localhost:3000/p/${slug}`, badgeUrl: `http://localhost:3000/p/${slug}/badge.svg` });
    const shown = await page(slug);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain(company.name);

    const unpublished = (await owner.client.ok<{ unpublishPublicProfile: Settings }>(UNPUBLISH, { companyId: company.id })).unpublishPublicProfile;
    expect(unpublished).toMatchObject({ published: false, slug });
    for (const answer of [await page(slug), await get(`${api.url}/p/${slug}/badge.svg`)]) {
      expect(answer.status).toBe(404);
      // the very same bytes as for a slug that never existed: no trace of the company
      expect(answer.body).toBe(unknown.body);
      for (const trace of [company.name, company.creditCode, world.home.consortium.name, 'BBB']) expect(answer.body).not.toContain(trace);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    // the slug stays reserved for the company: publishing again brings the same address back
    expect((await publish({})).slug).toBe(slug);
    expect((await page(slug)).status).toBe(200);
  });

  it('shows exactly the chosen fields, each change at once, and the preview is the page', async () => {
    const settings = await publish({ fields: ['NAME', 'GRADE'] });
    const slug = settings.slug as string;
    const first = await page(slug);
    expect(first.body).toContain(company.name);
    expect(first.body).toMatch(/<strong class="grade grade-fair">BBB<\/strong>/);
    for (const hidden of [company.creditCode, world.home.consortium.name, '入盟年限', '认证', '社会责任']) expect(first.body).not.toContain(hidden);

    const changed = await owner.client.ok<{ setPublicProfileFields: Settings }>(SET_FIELDS, {
      input: { companyId: company.id, fields: ['YEARS_IN_ALLIANCE', 'CREDIT_CODE', 'CONSORTIUM'] },
    });
    expect(changed.setPublicProfileFields.fields).toEqual(['CREDIT_CODE', 'CONSORTIUM', 'YEARS_IN_ALLIANCE']);
    const second = await page(slug);
    expect(second.body).not.toContain(company.name);
    expect(second.body).not.toContain('BBB');
    expect(second.body).toContain(company.creditCode);
    expect(second.body).toContain(world.home.consortium.name);
    expect(second.body).toContain('入盟年限');
    expect(second.body).toContain('不足 1 年');

    const preview = await owner.client.ok<{ publicProfilePreview: Record<string, unknown> }>(PREVIEW, { companyId: company.id });
    expect(preview.publicProfilePreview).toMatchObject({
      published: true,
      fields: ['CREDIT_CODE', 'CONSORTIUM', 'YEARS_IN_ALLIANCE'],
      name: null,
      creditCode: company.creditCode,
      consortium: { name: world.home.consortium.name },
      grade: null,
      certifications: null,
      communityWork: null,
      yearsInAlliance: 0,
    });
    expect(preview.publicProfilePreview.html).toBe(second.body);

    // a candidate choice previews without changing anything
    const candidate = await owner.client.ok<{ publicProfilePreview: { name: string; grade: string; html: string } }>(PREVIEW, {
      companyId: company.id,
      fields: ['NAME', 'GRADE'],
    });
    expect(candidate.publicProfilePreview).toMatchObject({ name: company.name, grade: 'BBB' });
    expect((await page(slug)).body).toBe(second.body);
  });

  it('serves a phone-ready, cacheable, Chinese page with strict headers and an ETag', async () => {
    const { slug } = await publish({ fields: ['NAME', 'GRADE', 'CONSORTIUM'] });
    const answer = await page(slug as string);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('public, max-age=60');
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(answer.body).toContain('<html lang="zh-CN">');
    expect(answer.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(answer.body).toContain('信用等级');
    expect(answer.body).not.toMatch(/<script|<img|<link rel="stylesheet"/);
    const etag = answer.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(`${api.url}/p/${slug}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('escapes everything it shows', async () => {
    const hostile = await world.factories.company(world.home.consortium.id, { name: `<script>alert("x")</script>&'鞋业"有限公司` });
    const member = await world.signIn(await world.factories.user('MEMBER', { companyId: hostile.id }));
    const settings = (
      await member.client.ok<{ publishPublicProfile: Settings }>(PUBLISH, { input: { companyId: hostile.id, fields: ['NAME', 'CONSORTIUM'] } })
    ).publishPublicProfile;
    expect(settings.slug).toMatch(/^[a-z2-9]{10}$/);
    const answer = await page(settings.slug as string);
    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain('<script>');
    expect(answer.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;鞋业&quot;有限公司');
    const badge = await get(`${api.url}/p/${settings.slug}/badge.svg`);
    expect(badge.body).not.toContain('<script>');
  });

  it('has a bilingual badge with the grade, linking to the profile, that follows the grade', async () => {
    const { slug, badgeUrl, badgeHtml } = await publish({ fields: ['NAME', 'GRADE'] });
    const url = `${api.url}/p/${slug}/badge.svg`;
    expect(badgeUrl).toBe(`http://localhost:3000/p/${slug}/badge.svg`);
    expect(badgeHtml).toBe(
      `<a href="http://localhost:3000/p/${slug}" target="_blank" rel="noopener"><img src="http://localhost:3000/p/${slug}/badge.svg" alt="信用联盟 Credit Alliance 信用档案 credit profile" height="20"></a>`,
    );
    const before = await get(url);
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(before.headers.get('cache-control')).toBe('public, max-age=30');
    expect(before.body).toContain('信用联盟 Credit Alliance');
    expect(before.body).toContain('信用等级 Grade BBB');
    expect(before.body).toContain(`href="http://localhost:3000/p/${slug}"`);

    await insertRating(api.dataSource, company, 'A');
    const after = await getUntil(url, (f) => !f.body.includes('Grade BBB'));
    expect(after.body).toContain('信用等级 Grade A<');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect((await page(slug as string)).body).toMatch(/grade-good">A</);
  });

  it('keeps a slug once chosen, and refuses one another company holds', async () => {
    const { slug } = await publish({ fields: ['NAME'] });
    const moved = await owner.client.request(PUBLISH, { input: { companyId: company.id, slug: slugOf('moved') } });
    expect(onlyError(moved).extensions).toMatchObject({ code: 'CONFLICT', field: 'input.slug' });

    const other = world.home.memberB;
    const taken = await other.client.request(PUBLISH, { input: { companyId: world.home.companyB.id, slug, fields: ['NAME'] } });
    expect(onlyError(taken).extensions).toMatchObject({ code: 'CONFLICT', field: 'input.slug' });
    expect(onlyError(taken).message).not.toContain(company.name);

    for (const bad of ['ab', 'Upper-Case', '-dash', 'a--b', 'static', 'x'.repeat(41), '中文']) {
      const refused = await other.client.request(PUBLISH, { input: { companyId: world.home.companyB.id, slug: bad, fields: ['NAME'] } });
      expect(onlyError(refused).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.slug' });
    }
    const empty = await other.client.request(PUBLISH, { input: { companyId: world.home.companyB.id, fields: [] } });
    expect(onlyError(empty).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fields' });
  });

  it('shows only verified, current certifications and community work, with their evidence, and never the owner or its credit band', async () => {
    const member = world.home.memberB;
    const subject = world.home.companyB;
    const coordinator = world.home.coordinator;
    const tag = randomBytes(3).toString('hex');
    const file = async (input: Record<string, unknown>): Promise<string> =>
      (await member.client.ok<{ fileSoftSignal: { id: string } }>(FILE_SOFT_SIGNAL, { input })).fileSoftSignal.id;
    const iso = evidence('ISO9001证书.pdf');
    const verifiedCert = await file({ signalKind: 'CERTIFICATION', reference: `ISO 9001:2015 ${tag}`, recordedOn: '2025-03-01', validUntil: '2099-12-31', evidence: iso });
    const pendingCert = await file({ signalKind: 'CERTIFICATION', reference: `待审核认证 ${tag}`, recordedOn: '2025-04-01', evidence: evidence('pending.pdf') });
    const lapsedCert = await file({ signalKind: 'CERTIFICATION', reference: `过期认证 ${tag}`, recordedOn: '2020-01-01', validUntil: '2021-01-01', evidence: evidence('old.pdf') });
    const work = evidence('助学捐赠证明.pdf');
    const verifiedWork = await file({ signalKind: 'COMMUNITY_WORK', reference: `鹿城区助学金 ${tag}`, recordedOn: '2025-09-01', evidence: work });
    const pendingWork = await file({ signalKind: 'COMMUNITY_WORK', reference: `未核实的公益 ${tag}`, recordedOn: '2025-10-01', evidence: evidence('x.pdf') });
    const reputation = await file({ signalKind: 'REPUTATION', reference: `客户好评 ${tag}`, value: 5, recordedOn: '2025-05-01', evidence: evidence('reviews.pdf') });
    const band = await file({
      signalKind: 'OWNER_CREDIT_BAND',
      reference: `法定代表人个人信用 ${tag}`,
      value: 2,
      recordedOn: '2025-01-10',
      evidence: evidence('个人信用报告摘要.pdf'),
      ownerConsent: { ownerName: `王建国${tag}`, document: evidence('个人信息使用授权书.pdf'), signedOn: '2025-01-05' },
    });
    // verified by the coordinator: all but the two left pending
    for (const id of [verifiedCert, lapsedCert, verifiedWork, reputation, band]) await coordinator.client.ok(VERIFY, { id });
    const statuses: { record_id: string; status: string }[] = await api.dataSource.query(
      'SELECT record_id, status FROM soft_signals WHERE record_id = ANY($1::uuid[]) AND is_current',
      [[pendingCert, pendingWork]],
    );
    expect(statuses.map((r) => r.status)).toEqual(['PENDING', 'PENDING']);

    const settings = (
      await member.client.ok<{ publishPublicProfile: Settings }>(PUBLISH, {
        input: { companyId: subject.id, fields: ['NAME', 'CERTIFICATIONS', 'COMMUNITY_WORK', 'GRADE', 'YEARS_IN_ALLIANCE', 'CONSORTIUM', 'CREDIT_CODE'] },
      })
    ).publishPublicProfile;
    const shown = await page(settings.slug as string);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain(`ISO 9001:2015 ${tag}`);
    expect(shown.body).toContain('有效期至');
    expect(shown.body).toContain('ISO9001证书.pdf');
    expect(shown.body).toContain(iso.sha256);
    expect(shown.body).toContain(`鹿城区助学金 ${tag}`);
    expect(shown.body).toContain(work.sha256);
    for (const hidden of [`待审核认证 ${tag}`, `未核实的公益 ${tag}`, `过期认证 ${tag}`, `客户好评 ${tag}`, `法定代表人个人信用 ${tag}`, `王建国${tag}`, '个人信用', 'reviews.pdf']) {
      expect(shown.body).not.toContain(hidden);
    }
    const preview = await member.client.ok<{ publicProfilePreview: { certifications: { title: string; evidenceSha256: string }[]; html: string } }>(PREVIEW, {
      companyId: subject.id,
    });
    expect(preview.publicProfilePreview.certifications).toEqual([
      { title: `ISO 9001:2015 ${tag}`, recordedOn: '2025-03-01', validUntil: '2099-12-31', evidenceName: 'ISO9001证书.pdf', evidenceSha256: iso.sha256 },
    ]);
    expect(preview.publicProfilePreview.html).toBe(shown.body);
  });

  it('lets the coordinator read the settings and preview but not change them', async () => {
    const read = await world.home.coordinator.client.ok<{ publicProfile: Settings }>(SETTINGS, { companyId: company.id });
    expect(read.publicProfile.companyId).toBe(company.id);
    const change = await world.home.coordinator.client.request(UNPUBLISH, { companyId: company.id });
    expect(onlyError(change).extensions?.code).toBe('FORBIDDEN');
  });

  it('audits every change', async () => {
    const before: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM audit_log WHERE company_id = $1 AND action LIKE 'profile.%'`, [company.id]);
    await owner.client.ok(SET_FIELDS, { input: { companyId: company.id, fields: ['NAME', 'CREDIT_CODE'] } });
    await owner.client.ok(UNPUBLISH, { companyId: company.id });
    await owner.client.ok(UNPUBLISH, { companyId: company.id }); // no change, no entry
    const after: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM audit_log WHERE company_id = $1 AND action LIKE 'profile.%'`, [company.id]);
    expect(Number(after[0].n) - Number(before[0].n)).toBe(2);
  });

  it("stamps a change and its audit entry with the API's clock, the same instant", async () => {
    // a company of its own (the other consortium's), so the profile above keeps its state
    const { companyA: subject, memberA: member } = world.other;
    const instant = new Date('2025-03-04T05:06:07.089Z');
    const apiClock = movableClock(api, instant);
    try {
      await member.client.ok(PUBLISH, { input: { companyId: subject.id, fields: ['NAME'] } });
    } finally {
      apiClock.restore();
    }
    const [profile]: { published_at: Date; updated_at: Date }[] = await api.dataSource.query('SELECT published_at, updated_at FROM public_profiles WHERE company_id = $1', [
      subject.id,
    ]);
    const entries: { at: Date }[] = await api.dataSource.query(`SELECT at FROM audit_log WHERE company_id = $1 AND action = 'profile.published'`, [subject.id]);
    expect(entries).toHaveLength(1);
    expect({ publishedAt: profile.published_at.toISOString(), updatedAt: profile.updated_at.toISOString(), audited: entries[0].at.toISOString() }).toEqual({
      publishedAt: instant.toISOString(),
      updatedAt: instant.toISOString(),
      audited: instant.toISOString(),
    });
  });

  it('serves robots.txt from the same server, allowing the profiles', async () => {
    const robots = await get(`${api.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.body).toContain('Allow: /p/');
  });
});

describe('the public pages under too many requests', () => {
  let api: RunningApi;

  beforeAll(async () => {
    // its own Redis prefix: the window's count is this test's alone; a day-long window never rolls over mid-test
    api = await startApi({ PUBLIC_PAGE_RATE_LIMIT: '5', PUBLIC_PAGE_RATE_WINDOW_SECONDS: '86400', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'ca_test'}_rate_${randomBytes(3).toString('hex')}` });
  });
  afterAll(async () => api.close());

  it('answers 429 with Retry-After past the limit per address, pages and badges alike', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof get>> | null = null;
    for (let i = 0; i < 7; i += 1) {
      last = await get(`${api.url}/p/${i % 2 ? 'someone' : 'someone/badge.svg'}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.headers.get('cache-control')).toBe('no-store');
    // GraphQL is not limited by it
    expect((await api.client.request('{ ping }')).data).toEqual({ ping: 'pong' });
  });
});
