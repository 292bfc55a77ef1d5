import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { onlyError } from '@app/testing';
import { CONFIRM, DISPUTE, reportTrade } from '../records/records-support';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { fixtures } from './bank-support';

const VIEW = `query($n: ID!) {
  coordinatorView(consortiumId: $n) {
    consortium { id name }
    members { company { id name } grade score backedGrade scoreTrend { month score grade } scoreChange3m verifiedRecords }
    earlyWarnings { kind severity company { id } message oldGrade newGrade }
    guaranteeNetwork { nodes { company { id } debtRank grade } edges { kind amount } computedAt }
  }
}`;

interface View {
  consortium: { id: string };
  members: { company: { id: string; name: string }; grade: string | null; score: number | null; scoreTrend: { month: string; score: number }[]; scoreChange3m: number | null; verifiedRecords: number }[];
  earlyWarnings: { kind: string; severity: string; company: { id: string }; oldGrade: string | null; newGrade: string | null }[];
  guaranteeNetwork: { nodes: { company: { id: string }; debtRank: number; grade: string | null }[]; computedAt: string | null };
}

describe("the coordinator's view of its cluster", () => {
  let api: RunningApi;
  let world: World;
  let coordinator: SignedIn;
  let consortiumId: string;
  const ids: Record<'falling' | 'latePayer' | 'steady' | 'unrated', string> = { falling: '', latePayer: '', steady: '', unrated: '' };
  let apiClock: MovableClock;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    apiClock = movableClock(api);
    const consortium = await world.factories.consortium();
    consortiumId = consortium.id;
    coordinator = await world.signIn(await world.factories.user('COORDINATOR', { consortiumId }));
    const f = fixtures(api);
    const make = async (name: string) => world.factories.company(consortiumId, { name });
    const falling = await make('温州市甲鞋业有限公司');
    const latePayer = await make('温州市乙鞋材有限公司');
    const steady = await make('温州市丙皮革有限公司');
    const unrated = await make('温州市丁贸易有限公司');
    Object.assign(ids, { falling: falling.id, latePayer: latePayer.id, steady: steady.id, unrated: unrated.id });

    // falling: BBB five months ago, BB last month, then B: a two-notch fall within 90 days
    const old = await f.rating(falling, { grade: 'BBB', score: 712 });
    // the view's "now" is 2026-05-31 (the clock below): the ratings are dated against it
    const at = (daysBefore: number) => new Date(Date.parse('2026-05-31T08:00:00Z') - daysBefore * 86_400_000);
    await api.dataSource.query(`UPDATE ratings SET computed_at = $2 WHERE id = $1`, [old.id, at(150)]);
    const mid = await f.rating(falling, { grade: 'BBB', score: 705 });
    await api.dataSource.query(`UPDATE ratings SET computed_at = $2 WHERE id = $1`, [mid.id, at(100)]);
    const fall = await f.ratingChange(falling, mid, { grade: 'B', score: 610 });
    await api.dataSource.query(`UPDATE ratings SET computed_at = $2 WHERE id = $1`, [fall.ratingId, at(20)]);
    await api.dataSource.query(`UPDATE rating_events SET created_at = $2 WHERE id = $1`, [fall.id, at(20)]);
    // latePayer: paid its supplier (steady) on time for months, 40 days late lately; records verified by it
    // its rating counts the four invoices it confirmed, not the one it disputes (as a recompute would)
    await f.rating(latePayer, { grade: 'BB', score: 668, verifiedRecords: 4 });
    const supplier = await world.signIn(await world.factories.user('MEMBER', { companyId: steady.id }));
    const buyer = await world.signIn(await world.factories.user('MEMBER', { companyId: latePayer.id }));
    apiClock.at = new Date('2026-05-01T08:00:00Z');
    const trade = async (dueDate: string, paidDate: string) => {
      const r = await reportTrade(supplier.client, latePayer.creditCode, { amount: '50000.00', invoiceDate: '2025-06-01', dueDate, paidDate });
      await buyer.client.ok(CONFIRM, { id: r.id });
    };
    await trade('2025-08-15', '2025-08-15');
    await trade('2025-10-15', '2025-10-16');
    await trade('2026-02-20', '2026-04-01');
    await trade('2026-03-10', '2026-04-19');
    // a dispute opened 17 days before "now": 3 days left of its 20
    const contested = await reportTrade(supplier.client, latePayer.creditCode, { amount: '9000.00', invoiceDate: '2026-01-05', dueDate: '2026-02-05', paidDate: '2026-02-05' });
    apiClock.at = new Date('2026-05-14T08:00:00Z');
    await buyer.client.ok(DISPUTE, { id: contested.id, reason: '重复开票' });
    apiClock.at = new Date('2026-05-31T08:00:00Z');
    // steady: up a notch (not a warning)
    const before = await f.rating(steady, { grade: 'A', score: 760 });
    await f.ratingChange(steady, before, { grade: 'AA', score: 810 });
    await f.standing(consortiumId, 'BBB', {
      systemicRisk: [
        { companyId: falling.id, debtRank: 0.42, exact: true },
        { companyId: steady.id, debtRank: 0.1, exact: true },
      ],
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  it('lists every member with its grade, trend and verified records', async () => {
    const { coordinatorView } = await coordinator.client.ok<{ coordinatorView: View }>(VIEW, { n: consortiumId });
    expect(coordinatorView.consortium.id).toBe(consortiumId);
    expect(coordinatorView.members.map((m) => m.company.name)).toEqual(['温州市丁贸易有限公司', '温州市丙皮革有限公司', '温州市乙鞋材有限公司', '温州市甲鞋业有限公司'].sort());
    const falling = coordinatorView.members.find((m) => m.company.id === ids.falling);
    // the records each member's current rating rests on, as the rating counts them
    expect(falling).toMatchObject({ grade: 'B', score: 610, verifiedRecords: 14 });
    expect(coordinatorView.members.find((m) => m.company.id === ids.latePayer)?.verifiedRecords).toBe(4);
    expect(falling?.scoreTrend.map((p) => p.score)).toEqual([712, 705, 610]);
    expect(falling?.scoreChange3m).toBe(610 - 705);
    expect(coordinatorView.members.find((m) => m.company.id === ids.unrated)).toMatchObject({ grade: null, score: null, scoreTrend: [], verifiedRecords: 0 });
  });

  it('warns of downgrades, worsening payment behaviour and disputes near their deadline, the most severe first', async () => {
    const { coordinatorView } = await coordinator.client.ok<{ coordinatorView: View }>(VIEW, { n: consortiumId });
    const warnings = coordinatorView.earlyWarnings;
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'DOWNGRADE', severity: 'HIGH', company: { id: ids.falling }, oldGrade: 'BBB', newGrade: 'B' }),
        expect.objectContaining({ kind: 'PAYMENT_WORSENING', severity: 'HIGH', company: { id: ids.latePayer } }),
        expect.objectContaining({ kind: 'DISPUTE_DEADLINE', severity: 'MEDIUM', company: { id: ids.latePayer } }),
      ]),
    );
    expect(warnings).toHaveLength(3);
    expect(warnings.map((w) => w.severity)).toEqual(['HIGH', 'HIGH', 'MEDIUM']);
    // an upgrade is no warning
    expect(warnings.find((w) => w.company.id === ids.steady)).toBeUndefined();
  });

  it('shows the contagion network with DebtRank, highest first', async () => {
    const { coordinatorView } = await coordinator.client.ok<{ coordinatorView: View }>(VIEW, { n: consortiumId });
    expect(coordinatorView.guaranteeNetwork.nodes).toEqual([
      { company: { id: ids.falling }, debtRank: 0.42, grade: 'B' },
      { company: { id: ids.steady }, debtRank: 0.1, grade: 'AA' },
    ]);
    expect(coordinatorView.guaranteeNetwork.computedAt).not.toBeNull();
  });

  it('runs the stress test for its own members, and refuses others', async () => {
    const { stressTest } = await coordinator.client.ok<{ stressTest: { defaulted: { id: string }[]; debtRank: number; creditLoss: string; fundPays: string } }>(
      'query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { defaulted { id } distressed { company { id } stress } additionalDefaults { id } debtRank equityLoss creditLoss fundPays } }',
      { n: consortiumId, d: [ids.falling] },
    );
    expect(stressTest.defaulted).toEqual([{ id: ids.falling }]);
    expect(stressTest.debtRank).toBeGreaterThanOrEqual(0);
    expect(stressTest.creditLoss).toMatch(/^\d+\.\d{2}$/);
    const foreign = onlyError(
      await coordinator.client.request('query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { debtRank } }', { n: consortiumId, d: [world.home.companyA.id] }),
    );
    expect(foreign.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'defaulted[0]' });
    // a repeated member before the one at fault: the error names the position given
    const later = onlyError(
      await coordinator.client.request('query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { debtRank } }', {
        n: consortiumId,
        d: [ids.falling, ids.falling, world.home.companyA.id],
      }),
    );
    expect(later.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'defaulted[2]' });
    // repeats count once
    const twice = await coordinator.client.ok<{ stressTest: { defaulted: { id: string }[] } }>(
      'query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { defaulted { id } } }',
      { n: consortiumId, d: [ids.falling, ids.falling] },
    );
    expect(twice.stressTest.defaulted).toEqual([{ id: ids.falling }]);
  });

  it('the network and the stress test read the standing\'s real input: an overdue payable is an edge, and its creditor is stressed', async () => {
    const supplier = await world.signIn(await world.factories.user('MEMBER', { companyId: ids.steady }));
    const buyer = await world.signIn(await world.factories.user('MEMBER', { companyId: ids.latePayer }));
    const latePayer = (await api.dataSource.query('SELECT credit_code FROM companies WHERE id = $1', [ids.latePayer])) as { credit_code: string }[];
    // unpaid, 11 days past due on the view's day (not yet negative information), confirmed by the buyer
    const open = await reportTrade(supplier.client, latePayer[0].credit_code, { amount: '120000.00', invoiceDate: '2026-04-20', dueDate: '2026-05-20', paidDate: null });
    await buyer.client.ok(CONFIRM, { id: open.id });

    const network = await coordinator.client.ok<{ coordinatorView: { guaranteeNetwork: { edges: { kind: string; from: { id: string }; to: { id: string }; amount: string }[] } } }>(
      'query($n: ID!) { coordinatorView(consortiumId: $n) { guaranteeNetwork { edges { kind from { id } to { id } amount } } } }',
      { n: consortiumId },
    );
    expect(network.coordinatorView.guaranteeNetwork.edges).toEqual([{ kind: 'OVERDUE_PAYABLE', from: { id: ids.latePayer }, to: { id: ids.steady }, amount: '120000.00' }]);

    const { stressTest } = await coordinator.client.ok<{ stressTest: { distressed: { company: { id: string }; stress: number }[]; debtRank: number } }>(
      'query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { distressed { company { id } stress } debtRank } }',
      { n: consortiumId, d: [ids.latePayer] },
    );
    expect(stressTest.distressed.map((d) => d.company.id)).toContain(ids.steady);
    expect(stressTest.distressed.find((d) => d.company.id === ids.steady)?.stress).toBeGreaterThan(0);
    expect(stressTest.debtRank).toBeGreaterThan(0);
    // a member without a rating is no part of the standing: named, not silently left out
    const unrated = onlyError(
      await coordinator.client.request('query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { debtRank } }', { n: consortiumId, d: [ids.latePayer, ids.unrated] }),
    );
    expect(unrated.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'defaulted[1]' });
  });

  it('manages the guarantee fund and the risk parameters: shown, set, refused naming the field with nothing written, audited, the standing queued', async () => {
    const FUND = 'query($n: ID!) { guaranteeFund(consortiumId: $n) { balance coverageShare contributions { company { id } amount } riskParameters { lgd stressFactor supportProbability correlation distressThreshold setByCoordinator } } }';
    const SET_FUND = 'mutation($n: ID!, $i: GuaranteeFundInput!) { setGuaranteeFund(consortiumId: $n, input: $i) { balance coverageShare contributions { company { id } amount } } }';
    const SET_PARAMETERS = 'mutation($n: ID!, $i: RiskParametersInput!) { setRiskParameters(consortiumId: $n, input: $i) { riskParameters { lgd stressFactor correlation setByCoordinator } } }';
    type Fund = { balance: string; coverageShare: number; contributions: { company: { id: string }; amount: string }[]; riskParameters: Record<string, unknown> };
    const fund = async () => (await coordinator.client.ok<{ guaranteeFund: Fund }>(FUND, { n: consortiumId })).guaranteeFund;
    // none set yet: an empty fund, every parameter at its documented default
    expect(await fund()).toEqual({
      balance: '0.00',
      coverageShare: 0,
      contributions: [],
      riskParameters: { lgd: 0.45, stressFactor: 3, supportProbability: 0.5, correlation: 0.3, distressThreshold: 0.5, setByCoordinator: [] },
    });
    const queued = async (): Promise<number> =>
      ((await api.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'recompute-standing.v1' AND payload->>'consortiumId' = $1`, [consortiumId])) as { n: number }[])[0].n;
    const audited = async (): Promise<number> =>
      ((await api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE consortium_id = $1 AND action IN ('guaranteeFund.set', 'riskParameters.set')`, [consortiumId])) as { n: number }[])[0].n;
    const [queuedBefore, auditedBefore] = [await queued(), await audited()];

    const set = await coordinator.client.ok<{ setGuaranteeFund: Fund }>(SET_FUND, {
      n: consortiumId,
      i: { balance: '2000000.00', coverageShare: 0.8, contributions: [{ companyId: ids.steady, amount: '500000' }, { companyId: ids.falling, amount: '250000.50' }] },
    });
    expect(set.setGuaranteeFund).toMatchObject({ balance: '2000000.00', coverageShare: 0.8 });
    expect(set.setGuaranteeFund.contributions.map((c) => [c.company.id, c.amount]).sort()).toEqual([[ids.falling, '250000.50'], [ids.steady, '500000.00']].sort());
    // the balance alone: the contributions stay as they were
    const balanceOnly = await coordinator.client.ok<{ setGuaranteeFund: Fund }>(SET_FUND, { n: consortiumId, i: { balance: '2100000.00', coverageShare: 0.8 } });
    expect(balanceOnly.setGuaranteeFund.contributions).toHaveLength(2);
    const parameters = await coordinator.client.ok<{ setRiskParameters: { riskParameters: Record<string, unknown> } }>(SET_PARAMETERS, { n: consortiumId, i: { lgd: 0.6, stressFactor: 5 } });
    expect(parameters.setRiskParameters.riskParameters).toEqual({ lgd: 0.6, stressFactor: 5, correlation: 0.3, setByCoordinator: ['lgd', 'stressFactor'] });
    expect(await queued()).toBe(queuedBefore + 3);
    expect(await audited()).toBe(auditedBefore + 3);

    // bad input names its field and writes nothing
    const before = await fund();
    const refusals: [string, Record<string, unknown>, string][] = [
      [SET_FUND, { balance: '-1.00', coverageShare: 0.5 }, 'input.balance'],
      [SET_FUND, { balance: '1.00', coverageShare: 1.5 }, 'input.coverageShare'],
      [SET_FUND, { balance: '1.00', coverageShare: 0.5, contributions: [{ companyId: world.home.companyA.id, amount: '1.00' }] }, 'input.contributions[0].companyId'],
      [SET_FUND, { balance: '1.00', coverageShare: 0.5, contributions: [{ companyId: ids.steady, amount: '1.00' }, { companyId: ids.steady, amount: '2.00' }] }, 'input.contributions[1].companyId'],
      [SET_FUND, { balance: '1.00', coverageShare: 0.5, contributions: [{ companyId: ids.steady, amount: '-2.00' }] }, 'input.contributions[0].amount'],
      [SET_PARAMETERS, { lgd: 0 }, 'input.lgd'],
      [SET_PARAMETERS, { correlation: 1 }, 'input.correlation'],
      [SET_PARAMETERS, { stressFactor: 0.5 }, 'input.stressFactor'],
      [SET_PARAMETERS, { supportProbability: -0.1 }, 'input.supportProbability'],
      [SET_PARAMETERS, { distressThreshold: 1.2 }, 'input.distressThreshold'],
    ];
    for (const [mutation, input, field] of refusals) {
      expect(onlyError(await coordinator.client.request(mutation, { n: consortiumId, i: input })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await fund()).toEqual(before);
    expect(await queued()).toBe(queuedBefore + 3);

    // a parameter left out is the default again
    const reset = await coordinator.client.ok<{ setRiskParameters: { riskParameters: Record<string, unknown> } }>(SET_PARAMETERS, { n: consortiumId, i: {} });
    expect(reset.setRiskParameters.riskParameters).toEqual({ lgd: 0.45, stressFactor: 3, correlation: 0.3, setByCoordinator: [] });
    // another consortium's coordinator, a member and a bank are refused
    for (const other of [world.home.coordinator, world.home.memberA, world.banker]) {
      expect(onlyError(await other.client.request(SET_PARAMETERS, { n: consortiumId, i: { lgd: 0.5 } })).extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('is for the consortium\'s coordinator and ADMIN only', async () => {
    expect((await world.admin.client.ok<{ coordinatorView: View }>(VIEW, { n: consortiumId })).coordinatorView.members).toHaveLength(4);
    for (const other of [world.home.coordinator, world.home.memberA, world.banker]) {
      expect(onlyError(await other.client.request(VIEW, { n: consortiumId })).extensions?.code).toBe('FORBIDDEN');
    }
  });
});
