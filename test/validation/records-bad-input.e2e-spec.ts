import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';

/**
 * reportTradeExperience through GraphQL with exactly one field made invalid: every answer is
 * BAD_USER_INPUT naming that field, never an internal error, and nothing is written (every
 * invoice number carries a marker that must not reach the ledger).
 */
const MARK = `fuzz${randomBytes(3).toString('hex')}`;
const QUERY = 'mutation($input: TradeExperienceInput!) { reportTradeExperience(input: $input) { id } }';

// finite numbers only: JSON has no Infinity or NaN, a client sends them as null (another input)
const notAString = fc.oneof(fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.boolean(), fc.constant([]), fc.constant({}));
const blank = fc.constantFrom('', ' ', '\t', '\n ');
const badDate = fc.oneof(notAString, blank, fc.constantFrom('2025-02-29', '2025-13-01', '2025-1-1', '01/02/2025', '2025-01-01T00:00:00Z', '1899-12-31'));
const futureDate = fc.integer({ min: 1, max: 3000 }).map((d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10));
const badAmount = fc.oneof(
  notAString,
  blank,
  fc.constantFrom('0', '0.00', '-0.01', '-5', '1.234', '1e3', '1,000.00', '¥100', 'NaN', '12345678901234567.00'),
  fc.integer({ min: -1_000_000, max: 0 }).map(String),
);

interface BadField {
  readonly field: string;
  readonly value: fc.Arbitrary<unknown>;
}

describe('bad input on reportTradeExperience (generated)', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  it('answers every generated bad field with BAD_USER_INPUT naming it, and writes nothing', async () => {
    const valid = () => ({
      debtorCreditCode: world.home.companyB.creditCode,
      invoiceNo: `${MARK}-${randomBytes(3).toString('hex')}`,
      amount: '1250.00',
      invoiceDate: '2025-01-10',
      dueDate: '2025-02-09',
      paidDate: '2025-02-10',
    });
    const bad: readonly BadField[] = [
      { field: 'debtorCreditCode', value: fc.oneof(notAString, blank, fc.constant(world.other.companyA.creditCode), fc.constant(world.home.companyA.creditCode), fc.string({ maxLength: 17 })) },
      { field: 'invoiceNo', value: fc.oneof(notAString, blank, fc.constant(`${MARK}${'x'.repeat(80)}`), fc.constant(`${MARK}\u0007`)) },
      { field: 'amount', value: badAmount },
      { field: 'invoiceDate', value: fc.oneof(badDate, futureDate) },
      { field: 'dueDate', value: fc.oneof(badDate, fc.constantFrom('2025-01-09', '2024-12-31')) },
      { field: 'paidDate', value: fc.oneof(badDate, futureDate, fc.constant('2025-01-09')) },
      { field: 'currency', value: fc.constantFrom('USD', 'XYZ', 'RMB', 'yuan', '元') },
    ];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bad).chain((b) => b.value.map((value) => ({ field: b.field, value }))), async ({ field, value }) => {
        runs += 1;
        const result = await world.home.memberA.client.request(QUERY, { input: { ...valid(), [field]: value } });
        const errors = result.errors ?? [];
        expect(errors.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
        expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(String(errors[0]?.extensions?.field)).toContain(field);
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
    const written: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM trade_experiences WHERE invoice_no LIKE $1`, [`${MARK}%`]);
    expect(Number(written[0].n)).toBe(0);
  });

  it('names the input field of a bad Date or Decimal written inline in the query, as for a variable', async () => {
    const literal = (field: string, value: string): string => {
      const fields: Record<string, string> = {
        debtorCreditCode: `"${world.home.companyB.creditCode}"`,
        invoiceNo: `"${MARK}-inline"`,
        amount: '"1250.00"',
        invoiceDate: '"2025-01-10"',
        dueDate: '"2025-02-09"',
      };
      fields[field] = value;
      return `mutation { reportTradeExperience(input: { ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(', ')} }) { id } }`;
    };
    for (const [field, value] of [
      ['invoiceDate', '"2025-02-30"'],
      ['dueDate', '20250209'],
      ['amount', '"12.345"'],
      ['amount', '1250'],
    ]) {
      const result = await world.home.memberA.client.request(literal(field, value));
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
    }
  });

  it('names an instalment of fileLoanRecord as GraphQL does, input.repayments[1].dueDate, whether the domain or the coercion refuses it', async () => {
    const FILE_LOAN = 'mutation($input: LoanRecordInput!) { fileLoanRecord(input: $input) { id } }';
    const loan = (second: unknown) => ({
      borrowerCreditCode: world.home.companyA.creditCode,
      contractNo: `${MARK}-${randomBytes(3).toString('hex')}`,
      principal: '500000.00',
      outstanding: '250000.00',
      startDate: '2024-01-15',
      repayments: [
        { dueDate: '2024-07-15', amount: '125000.00', paidDate: '2024-07-15' },
        { dueDate: second, amount: '125000.00' },
      ],
    });
    // out of order: a valid date the domain refuses; a number: a value GraphQL cannot coerce to a Date
    const outOfOrder = await world.banker.client.request(FILE_LOAN, { input: loan('2024-06-15') });
    const notADate = await world.banker.client.request(FILE_LOAN, { input: loan(5) });
    for (const result of [outOfOrder, notADate]) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.repayments[1].dueDate' });
    }
    const written: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM loan_records WHERE contract_no LIKE $1`, [`${MARK}%`]);
    expect(Number(written[0].n)).toBe(0);
  });
});
