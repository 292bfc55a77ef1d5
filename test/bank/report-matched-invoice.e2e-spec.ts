import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { CONFIRM, DISPUTE, REPORT_PAYABLE, reportTrade, unique } from '../records/records-support';
import { fixtures, grant } from './bank-support';

const REPORT = `query($c: String!) { creditReport(creditCode: $c, purpose: LOAN_APPLICATION) {
  paymentBehaviour { paymentIndex experiences totalAmount disputed }
} }`;

/**
 * An invoice both sides filed, the supplier's filing then disputed by the buyer while the
 * buyer's own payable stays verified: the rating counts the buyer's filing, and the credit
 * report must show the same invoice in its figures, or its payment index (the rating's,
 * from three experiences) would stand beside figures made of two.
 */
describe('the credit report counts the filing of an invoice that the rating counts', () => {
  let api: RunningApi;
  let world: World;
  let apiClock: MovableClock;
  let buyer: SignedIn;
  let supplier: SignedIn;
  let creditCode: string;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    apiClock = movableClock(api);
    apiClock.at = new Date('2026-01-10T08:00:00Z');
    const consortium = await world.factories.consortium();
    const company = await world.factories.company(consortium.id);
    const partner = await world.factories.company(consortium.id);
    creditCode = company.creditCode;
    buyer = await world.signIn(await world.factories.user('MEMBER', { companyId: company.id }));
    supplier = await world.signIn(await world.factories.user('MEMBER', { companyId: partner.id }));
    await fixtures(api).rating(company);
    await grant(buyer, world.bank.id, 'REPORT');

    // two invoices the buyer confirms
    for (const [inv, due] of [['2025-09-01', '2025-10-01'], ['2025-10-01', '2025-11-01']]) {
      const r = await reportTrade(supplier.client, creditCode, { amount: '10000.00', invoiceDate: inv, dueDate: due, paidDate: due });
      await buyer.client.ok(CONFIRM, { id: r.id });
    }
    // a third invoice filed by both sides: MATCHED, both VERIFIED
    const invoiceNo = `FP-${unique()}`;
    const third = { invoiceNo, amount: '10000.00', invoiceDate: '2025-11-01', dueDate: '2025-12-01', paidDate: '2025-12-01' };
    const receivable = await reportTrade(supplier.client, creditCode, third);
    const payable = await buyer.client.ok<{ reportTradePayable: { status: string } }>(REPORT_PAYABLE, {
      input: { creditorCreditCode: partner.creditCode, ...third },
    });
    expect(payable.reportTradePayable.status).toBe('VERIFIED');
    // the buyer disputes the supplier's receivable; its own payable stays VERIFIED
    await buyer.client.ok(DISPUTE, { id: receivable.id, reason: '核对中' });
    apiClock.at = new Date('2026-01-25T08:00:00Z');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  it("shows the buyer's verified payable of an invoice whose supplier filing is disputed, as the rating counts it", async () => {
    const { creditReport } = await world.banker.client.ok<{ creditReport: { paymentBehaviour: { paymentIndex: number | null; experiences: number; totalAmount: string; disputed: number } } }>(
      REPORT,
      { c: creditCode },
    );
    // three experiences behind the index, three in the figures; nothing shown as disputed: the invoice counts
    expect(creditReport.paymentBehaviour).toMatchObject({ experiences: 3, totalAmount: '30000.00', disputed: 0 });
    expect(creditReport.paymentBehaviour.paymentIndex).not.toBeNull();
  });
});
