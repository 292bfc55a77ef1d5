import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onlyError } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { fixtures, grant, inquiryCount } from './bank-support';

const REPORT = `query($c: String!, $p: InquiryPurpose!) {
  creditReport(creditCode: $c, purpose: $p) {
    inquiryId generatedAt purpose bankName
    identification { creditCode name consortiumName region industry memberSince }
    rating { score grade reasons { code descriptionZh } factors { name weight } backed { grade notchesUplift } }
    ratingHistory { score grade backedGrade reasonCodes }
    standing { grade members }
    paymentBehaviour { paymentIndex experiences byMonth { label } byAmount { label } disputed }
    financialYears { fiscalYear disputed }
    obligations { byKind { kind } taxCreditGrade { grade } }
    loans { lender } publicRecords { kind disputed } guaranteesGiven { counterparty } guaranteesReceived { counterparty }
    softInformation { kind } openDisputes { deadline }
    inquiries { bankName purpose scope at }
  }
}`;

const NAME = '温州市鹿城区精工鞋业有限公司';

describe('the credit report (scope REPORT), as GraphQL and as a PDF', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  async function company(name?: string) {
    const c = await world.factories.company(world.home.consortium.id, name ? { name } : {});
    const member = await world.signIn(await world.factories.user('MEMBER', { companyId: c.id }));
    return { company: c, member };
  }

  it('a RATING consent is the wrong scope for the report: FORBIDDEN, and no inquiry', async () => {
    const { company: c, member } = await company();
    await grant(member, world.bank.id, 'RATING');
    const refused = onlyError(await world.banker.client.request(REPORT, { c: c.creditCode, p: 'LOAN_APPLICATION' }));
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_SCOPE' });
    expect(await inquiryCount(api, c.id)).toBe(0);
    // without any consent, and for another bank, likewise
    await grant(member, world.otherBank.id, 'REPORT');
    expect(onlyError(await world.banker.client.request(REPORT, { c: c.creditCode, p: 'LOAN_APPLICATION' })).extensions?.code).toBe('FORBIDDEN');
    expect(await inquiryCount(api, c.id)).toBe(1 - 1);
    // but a RATING consent still allows bankRating
    await world.banker.client.ok('query($c: String!) { bankRating(creditCode: $c, purpose: MONITORING) { creditCode } }', { c: c.creditCode });
    expect(await inquiryCount(api, c.id)).toBe(1);
  });

  it('with a REPORT consent: every section, one inquiry of scope REPORT, listed in the report itself', async () => {
    const { company: c, member } = await company(NAME);
    const old = await fixtures(api).rating(c, { grade: 'BB', score: 660 });
    void old;
    await fixtures(api).rating(c);
    await fixtures(api).standing(c.consortiumId, 'A');
    await grant(member, world.bank.id, 'REPORT');
    const { creditReport } = await world.banker.client.ok<{ creditReport: Record<string, unknown> & { inquiries: { bankName: string; scope: string }[] } }>(REPORT, {
      c: c.creditCode,
      p: 'LOAN_APPLICATION',
    });
    expect(creditReport).toMatchObject({
      purpose: 'LOAN_APPLICATION',
      bankName: world.bank.name,
      identification: { creditCode: c.creditCode, name: NAME, consortiumName: world.home.consortium.name, region: '浙江省温州市', industry: '鞋业' },
      rating: { score: 712, grade: 'BBB', backed: { grade: 'A', notchesUplift: 1 }, reasons: [{ code: 'PAYMENT_DELAYS', descriptionZh: '平均逾期约15天付款' }, { code: 'HIGH_LEVERAGE' }] },
      ratingHistory: [
        { score: 712, grade: 'BBB', backedGrade: 'A', reasonCodes: ['PAYMENT_DELAYS', 'HIGH_LEVERAGE'] },
        { score: 660, grade: 'BB' },
      ],
      standing: { grade: 'A' },
    });
    expect(creditReport.inquiries).toEqual([expect.objectContaining({ bankName: world.bank.name, scope: 'REPORT' })]);
    const rows: { scope: string; purpose: string }[] = await api.dataSource.query('SELECT scope, purpose FROM inquiries WHERE company_id = $1', [c.id]);
    expect(rows).toEqual([{ scope: 'REPORT', purpose: 'LOAN_APPLICATION' }]);
    // the company sees the read
    const seen = await member.client.ok<{ inquiries: { scope: string }[] }>('query($c: ID!) { inquiries(companyId: $c) { scope } }', { c: c.id });
    expect(seen.inquiries).toEqual([{ scope: 'REPORT' }]);
  });

  it('renders the PDF with the Chinese company name, and records its inquiry', async () => {
    const { company: c, member } = await company(NAME);
    await fixtures(api).rating(c);
    await fixtures(api).standing(c.consortiumId, 'A');
    await grant(member, world.bank.id, 'REPORT');
    const url = `${api.url}/v1/reports/${c.creditCode}/pdf?purpose=LOAN_APPLICATION`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${world.banker.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await inquiryCount(api, c.id)).toBe(1);

    const dir = join(tmpdir(), `credit-report-${c.creditCode}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.pdf'), pdf);
    // the text as a reader's PDF software extracts it: the name's glyphs are in the font and mapped back to text
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(NAME);
    expect(text).toContain('企业信用报告');
    expect(text).toContain(c.creditCode);
    // and as a picture, for a person to look at (poppler's pdftoppm)
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', join(dir, 'report.pdf'), join(dir, 'page')]);

    // no consent of scope REPORT: refused over REST too, nothing recorded
    const other = await company();
    await grant(other.member, world.bank.id, 'RATING');
    const refused = await fetch(`${api.url}/v1/reports/${other.company.creditCode}/pdf?purpose=LOAN_APPLICATION`, { headers: { authorization: `Bearer ${world.banker.token}` } });
    expect(refused.status).toBe(403);
    expect(await inquiryCount(api, other.company.id)).toBe(0);
  });
});
