import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company } from '@app/domain';
import { CreditRecordRepository, RatingRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { ratingFixture } from '@app/testing/rating-fixtures';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';

const BACKTEST = 'query($n: ID!) { modelBacktest(consortiumId: $n) { modelVersion backtest { n defaults auc ks gini brier calibration { grade n } } } }';
const MODELS = 'query($n: ID!) { ratingModels(consortiumId: $n) { id version status basedOn } }';
const PROPOSE = 'mutation($n: ID!) { proposeRatingModel(consortiumId: $n) { id version status basedOn weights { factor weight } currentBacktest { n defaults auc brier } proposedBacktest { n auc brier } } }';
const ACTIVATE = 'mutation($id: ID!) { activateRatingModel(id: $id) { id status activatedAt } }';

const MEMBERS = 40;
const DEFAULTED = 8;

/**
 * Model governance (issue 4, docs/scoring.md §6): a consortium's history of ratings against
 * the defaults that followed them; the live model's backtest; a refit proposed for review;
 * its activation, audited, with every member recomputed.
 */
describe('rating models: backtest, proposal, activation', () => {
  let api: RunningApi;
  let world: World;
  let coordinator: SignedIn;
  let consortiumId: string;
  let members: Company[];

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    const consortium = await world.factories.consortium();
    consortiumId = consortium.id;
    coordinator = await world.signIn(await world.factories.user('COORDINATOR', { consortiumId }));
    members = [];
    for (let i = 0; i < MEMBERS; i++) members.push(await world.factories.company(consortiumId));
    // each rated about 14 months ago, PDs spread; the riskiest defaulted 10 months ago
    const ratings = new RatingRepository();
    const asOf = new Date(Date.now() - 430 * 86_400_000).toISOString().slice(0, 10);
    await ratings.insertMany(
      api.dataSource.manager,
      members.map((m, i) => {
        const pd = 0.005 + (0.3 * i) / MEMBERS;
        const payment = 95 - 2 * i;
        return {
          consortiumId,
          rating: ratingFixture(m.id, {
            asOf,
            pd,
            grade: pd < 0.02 ? 'A' : pd < 0.1 ? 'BB' : 'CCC',
            factors: [
              { name: 'PAYMENT_BEHAVIOUR', score: payment, weight: 0.6 },
              { name: 'FINANCIAL_STRENGTH', score: 90 - i, weight: 0.4 },
            ],
          }),
          backed: null,
          dataVersion: `history ${i}`,
        };
      }),
    );
    // a rating six years old: past the 5 years in which a default after it still shows, so no observation
    await ratings.insertMany(api.dataSource.manager, [
      { consortiumId, rating: ratingFixture(members[0].id, { asOf: new Date(Date.now() - 6 * 366 * 86_400_000).toISOString().slice(0, 10), pd: 0.01, grade: 'A' }), backed: null, dataVersion: 'long ago' },
    ]);
    const records = new CreditRecordRepository();
    const defaultedOn = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
    for (const m of members.slice(MEMBERS - DEFAULTED)) {
      const contractNo = `JK-${m.creditCode}`;
      const recordId = await records.recordIdFor(api.dataSource.manager, 'LOAN_RECORD', { subject_id: m.id, reporter_role: 'BANK', reporter_bank_id: world.bank.id, contract_no: contractNo });
      await records.append(api.dataSource.manager, recordId, {
        kind: 'LOAN_RECORD',
        consortiumId,
        subjectId: m.id,
        reporterCompanyId: null,
        reporterBankId: world.bank.id,
        reporterRole: 'BANK',
        filedStatus: 'VERIFIED',
        payload: { contractNo, principal: '100000.00', outstanding: '90000.00', startDate: '2024-01-01', maturityDate: null, repayments: [], daysPastDue: 0, defaultedOn, curedOn: null },
        evidence: null,
        negative: true,
        noticeId: null,
        countsFrom: new Date(Date.now() - 290 * 86_400_000),
        endedOn: null,
        expiresOn: null,
        filedBy: null,
        createdAt: new Date(Date.now() - 300 * 86_400_000),
      });
    }
  });
  afterAll(async () => api.close());

  it("backtests the live model over the consortium's own history", async () => {
    const { modelBacktest } = await coordinator.client.ok<{ modelBacktest: { modelVersion: string; backtest: { n: number; defaults: number; auc: number; gini: number; calibration: { grade: string; n: number }[] } } }>(
      BACKTEST,
      { n: consortiumId },
    );
    expect(modelBacktest.backtest).toMatchObject({ n: MEMBERS, defaults: DEFAULTED });
    // the riskiest PDs are the ones that defaulted
    expect(modelBacktest.backtest.auc).toBe(1);
    expect(modelBacktest.backtest.gini).toBeCloseTo(1, 12);
    expect(modelBacktest.backtest.calibration.reduce((s, c) => s + c.n, 0)).toBe(MEMBERS);
  });

  it('proposes a refit for review, rating nothing; activating it is audited and recomputes every member; the one before is retired', async () => {
    const counts = async () =>
      (
        (await api.dataSource.query(
          `SELECT (SELECT count(*)::int FROM ratings r JOIN companies c ON c.id = r.company_id WHERE c.consortium_id = $1) AS ratings,
                  (SELECT count(*)::int FROM outbox WHERE job_name = 'recompute-company.v1' AND payload->>'reason' = 'model' AND payload->>'companyId' = ANY($2::text[])) AS queued,
                  (SELECT count(*)::int FROM audit_log WHERE consortium_id = $1 AND action = 'ratingModel.activated') AS activations`,
          [consortiumId, members.map((m) => m.id)],
        )) as { ratings: number; queued: number; activations: number }[]
      )[0];
    const before = await counts();
    const { proposeRatingModel: first } = await coordinator.client.ok<{
      proposeRatingModel: { id: string; version: string; status: string; weights: { weight: number }[]; currentBacktest: { n: number; defaults: number }; proposedBacktest: { n: number } };
    }>(PROPOSE, { n: consortiumId });
    // the proposal is backtested out of sample (5 folds by company: 8 defaulted members, one or two held out in each) on the same observations
    expect(first).toMatchObject({ status: 'PROPOSED', currentBacktest: { n: MEMBERS, defaults: DEFAULTED }, proposedBacktest: { n: MEMBERS } });
    expect(first.weights.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 9);
    // a proposal rates nothing and queues nothing
    expect(await counts()).toEqual(before);

    const { activateRatingModel } = await coordinator.client.ok<{ activateRatingModel: { status: string; activatedAt: string } }>(ACTIVATE, { id: first.id });
    expect(activateRatingModel.status).toBe('ACTIVE');
    expect(await counts()).toEqual({ ...before, queued: before.queued + MEMBERS, activations: before.activations + 1 });
    // the live model is now the proposal, and its backtest scores the history as it would rate
    const { modelBacktest } = await coordinator.client.ok<{ modelBacktest: { modelVersion: string; backtest: { n: number; auc: number; brier: number } } }>(BACKTEST, { n: consortiumId });
    expect(modelBacktest.modelVersion).toBe(first.version);

    // a second refit, from the active one: its "current" backtest is the live model's
    const { proposeRatingModel: second } = await coordinator.client.ok<{ proposeRatingModel: { id: string; basedOn: string; currentBacktest: { n: number; auc: number; brier: number } } }>(PROPOSE, {
      n: consortiumId,
    });
    expect(second.basedOn).toBe(first.version);
    expect(second.currentBacktest.n).toBe(modelBacktest.backtest.n);
    expect(second.currentBacktest.auc).toBeCloseTo(modelBacktest.backtest.auc, 12);
    expect(second.currentBacktest.brier).toBeCloseTo(modelBacktest.backtest.brier, 12);
    // a third, also from the first; the second activated: the third was reviewed against a model no longer live
    const { proposeRatingModel: third } = await coordinator.client.ok<{ proposeRatingModel: { id: string } }>(PROPOSE, { n: consortiumId });
    await coordinator.client.ok(ACTIVATE, { id: second.id });
    const stale = onlyError(await coordinator.client.request(ACTIVATE, { id: third.id }));
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', basedOn: first.version, live: (await coordinator.client.ok<{ ratingModels: { version: string; status: string }[] }>(MODELS, { n: consortiumId })).ratingModels.find((m) => m.status === 'ACTIVE')?.version });
    const { ratingModels } = await coordinator.client.ok<{ ratingModels: { id: string; status: string }[] }>(MODELS, { n: consortiumId });
    expect(ratingModels.map((m) => [m.id, m.status])).toEqual([
      [third.id, 'PROPOSED'],
      [second.id, 'ACTIVE'],
      [first.id, 'RETIRED'],
    ]);
    // a retired model is not activated again
    expect(onlyError(await coordinator.client.request(ACTIVATE, { id: first.id })).extensions?.code).toBe('CONFLICT');
  });

  it('refuses a refit without enough history, and anyone but the consortium\'s coordinator or ADMIN', async () => {
    const refused = onlyError(await world.home.coordinator.client.request(PROPOSE, { n: world.home.consortium.id }));
    expect(refused.extensions?.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/^Not enough history to refit/);
    expect(refused.message).toMatch(/5 companies with a default and 5 without for its backtest out of sample \(5 folds by company\)$/);
    for (const other of [world.home.coordinator, world.home.memberA, world.banker]) {
      expect(onlyError(await other.client.request(BACKTEST, { n: consortiumId })).extensions?.code).toBe('FORBIDDEN');
      expect(onlyError(await other.client.request(PROPOSE, { n: consortiumId })).extensions?.code).toBe('FORBIDDEN');
    }
    expect(onlyError(await coordinator.client.request(ACTIVATE, { id: 'not-an-id' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
