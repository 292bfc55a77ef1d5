import { randomBytes } from 'node:crypto';
import { ConsentRepository, ConsentRequestRepository, RatingModelRepository, WebhookRepository } from '@app/persistence';
import { DEFAULT_RATING_MODEL } from '@app/scoring';
import { RatingFixtures } from '@app/testing';
import type { RunningApi } from '../../support/api';
import type { World } from '../../support/world';
import { COMPANY_TARGETS, companyOf, CONSORTIUM_TARGETS, consortiumOf, type MatrixCase, type TargetKind } from '../matrix.types';

const unique = (): string => randomBytes(4).toString('hex');

/** Company targets, and the one that consents to the matrix's bank. */
const READ_TARGETS: readonly TargetKind[] = [...COMPANY_TARGETS, 'consentedCompany'];
const OWN_BANK: readonly TargetKind[] = ['bank'];

type CompanyTarget = 'homeCompanyA' | 'homeCompanyB' | 'otherCompany' | 'consentedCompany';

/** Objects the bank-access rows act on, made once by `prepareBankCases`. */
interface BankFixtures {
  /** per company: a consent to the other bank, already revoked (revoking again changes nothing) */
  revokedConsent: Record<CompanyTarget, string>;
  /** per company: pending requests of the other bank, one to accept and one to decline */
  requestToAccept: Record<CompanyTarget, string>;
  requestToDecline: Record<CompanyTarget, string>;
  /** a webhook delivery about the consented company, per bank */
  delivery: { bank: string; otherBank: string };
  /** per consortium: a rating model proposed, to activate */
  proposedModel: { homeConsortium: string; otherConsortium: string };
}

let fixtures: BankFixtures | null = null;

function prepared(): BankFixtures {
  if (!fixtures) throw new Error('call prepareBankCases(api, world) in beforeAll');
  return fixtures;
}

/** Makes the objects the bank-access rows need; call once, after createWorld. */
export async function prepareBankCases(api: RunningApi, world: World): Promise<void> {
  const db = api.dataSource.manager;
  const consents = new ConsentRepository();
  const requests = new ConsentRequestRepository();
  const companies: Record<CompanyTarget, { id: string; consortiumId: string }> = {
    homeCompanyA: world.home.companyA,
    homeCompanyB: world.home.companyB,
    otherCompany: world.other.companyA,
    consentedCompany: world.consented.company,
  };
  const granters: Record<CompanyTarget, string> = {
    homeCompanyA: world.home.memberA.user.id,
    homeCompanyB: world.home.memberB.user.id,
    otherCompany: world.other.memberA.user.id,
    consentedCompany: world.consented.member.user.id,
  };
  const revokedConsent = {} as Record<CompanyTarget, string>;
  const requestToAccept = {} as Record<CompanyTarget, string>;
  const requestToDecline = {} as Record<CompanyTarget, string>;
  const otherBanker = world.otherBanker.user.id;
  for (const [target, company] of Object.entries(companies) as [CompanyTarget, { id: string; consortiumId: string }][]) {
    const consent = await consents.insert(db, {
      companyId: company.id,
      consortiumId: company.consortiumId,
      bankId: world.otherBank.id,
      scope: 'RATING',
      grantedBy: granters[target],
      grantedAt: new Date(Date.now() - 60_000),
      expiresAt: null,
    });
    await consents.revoke(db, consent.id, granters[target], new Date());
    revokedConsent[target] = consent.id;
    const ask = (scope: 'RATING' | 'REPORT') =>
      requests.insert(db, {
        companyId: company.id,
        consortiumId: company.consortiumId,
        bankId: world.otherBank.id,
        scope,
        purpose: 'LOAN_APPLICATION',
        message: null,
        requestedExpiresAt: null,
        requestedByUser: otherBanker,
        requestedByApiKey: null,
        requestedAt: new Date(),
      });
    requestToAccept[target] = (await ask('RATING')).id;
    requestToDecline[target] = (await ask('REPORT')).id;
  }

  // a RatingChanged event of the consented company, delivered to both banks' endpoints
  const ratings = new RatingFixtures(api.dataSource);
  const first = await ratings.rating(world.consented.company);
  const event = await ratings.ratingChange(world.consented.company, first, { grade: 'BB', score: 650 });
  const webhooks = new WebhookRepository();
  const delivery = async (bankId: string): Promise<string> => {
    const endpoint = await webhooks.replaceEndpoint(db, bankId, 'http://127.0.0.1:9/matrix', `whsec_${unique()}`, new Date());
    const created = await webhooks.createDelivery(db, {
      endpointId: endpoint.id,
      bankId,
      companyId: world.consented.company.id,
      eventId: event.id,
      eventType: 'rating.changed',
      body: '{}',
      at: new Date(),
    });
    return created.id;
  };
  const models = new RatingModelRepository();
  const empty = { n: 0, defaults: 0, auc: 0.5, ks: 0, gini: 0, brier: 0, calibration: [] };
  const propose = async (consortiumId: string): Promise<string> =>
    (
      await models.insert(db, {
        consortiumId,
        version: `matrix-${unique()}`,
        spec: DEFAULT_RATING_MODEL,
        basedOn: DEFAULT_RATING_MODEL.version,
        backtest: { current: empty, proposed: empty },
        proposedBy: null,
        proposedAt: new Date(),
      })
    ).id;
  fixtures = {
    revokedConsent,
    requestToAccept,
    requestToDecline,
    delivery: { bank: await delivery(world.bank.id), otherBank: await delivery(world.otherBank.id) },
    proposedModel: { homeConsortium: await propose(world.home.consortium.id), otherConsortium: await propose(world.other.consortium.id) },
  };
}

const companyTarget = (t: TargetKind): CompanyTarget => t as CompanyTarget;

export const BANK_CASES: Readonly<Record<string, MatrixCase>> = {
  'Query.consents': {
    operation: 'consent.list',
    targets: READ_TARGETS,
    request: (w, t) => ({ query: 'query($c: ID!) { consents(companyId: $c) { id } }', variables: { c: companyOf(w, t).id } }),
  },
  'Query.consentRequests': {
    operation: 'consentRequest.list',
    targets: READ_TARGETS,
    request: (w, t) => ({ query: 'query($c: ID!) { consentRequests(companyId: $c) { id } }', variables: { c: companyOf(w, t).id } }),
  },
  'Query.inquiries': {
    operation: 'inquiry.list',
    targets: READ_TARGETS,
    request: (w, t) => ({ query: 'query($c: ID!) { inquiries(companyId: $c) { id } }', variables: { c: companyOf(w, t).id } }),
  },
  'Query.bankConsents': { operation: 'bank.consents.read', targets: OWN_BANK, request: () => ({ query: '{ bankConsents { id } }' }) },
  'Query.bankConsentRequests': { operation: 'bank.consents.read', targets: OWN_BANK, request: () => ({ query: '{ bankConsentRequests { id } }' }) },
  'Query.bankRating': {
    operation: 'bankRating.read',
    targets: READ_TARGETS,
    request: (w, t) => ({
      query: 'query($c: String!) { bankRating(creditCode: $c, purpose: LOAN_APPLICATION) { companyName } }',
      variables: { c: companyOf(w, t).creditCode },
    }),
  },
  'Query.bankRatings': {
    operation: 'bankRating.read',
    // a batch refuses a company without consent item by item, not as a whole
    targets: ['consentedCompany'],
    request: (w, t) => ({
      query: 'query($c: [String!]!) { bankRatings(creditCodes: $c, purpose: MONITORING) { creditCode } }',
      variables: { c: [companyOf(w, t).creditCode] },
    }),
  },
  'Query.creditReport': {
    operation: 'creditReport.read',
    targets: READ_TARGETS,
    request: (w, t) => ({
      query: 'query($c: String!) { creditReport(creditCode: $c, purpose: LOAN_APPLICATION) { inquiryId identification { name } } }',
      variables: { c: companyOf(w, t).creditCode },
    }),
  },
  'Query.coordinatorView': {
    operation: 'coordinator.view',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'query($n: ID!) { coordinatorView(consortiumId: $n) { consortium { id } members { grade } earlyWarnings { kind } guaranteeNetwork { nodes { debtRank } } } }',
      variables: { n: consortiumOf(w, t).id },
    }),
  },
  'Query.stressTest': {
    operation: 'coordinator.stressTest',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'query($n: ID!, $d: [ID!]!) { stressTest(consortiumId: $n, defaulted: $d) { debtRank } }',
      variables: { n: consortiumOf(w, t).id, d: [t === 'homeConsortium' ? w.home.companyA.id : w.other.companyA.id] },
    }),
  },
  'Query.guaranteeFund': {
    operation: 'coordinator.view',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($n: ID!) { guaranteeFund(consortiumId: $n) { balance } }', variables: { n: consortiumOf(w, t).id } }),
  },
  'Mutation.setGuaranteeFund': {
    operation: 'coordinator.fund.manage',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'mutation($n: ID!, $i: GuaranteeFundInput!) { setGuaranteeFund(consortiumId: $n, input: $i) { balance } }',
      variables: { n: consortiumOf(w, t).id, i: { balance: '1000000.00', coverageShare: 0.8 } },
    }),
  },
  'Mutation.setRiskParameters': {
    operation: 'coordinator.fund.manage',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'mutation($n: ID!, $i: RiskParametersInput!) { setRiskParameters(consortiumId: $n, input: $i) { riskParameters { lgd } } }',
      variables: { n: consortiumOf(w, t).id, i: { lgd: 0.45 } },
    }),
  },
  'Query.modelBacktest': {
    operation: 'model.manage',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($n: ID!) { modelBacktest(consortiumId: $n) { modelVersion } }', variables: { n: consortiumOf(w, t).id } }),
  },
  'Query.ratingModels': {
    operation: 'model.manage',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($n: ID!) { ratingModels(consortiumId: $n) { id } }', variables: { n: consortiumOf(w, t).id } }),
  },
  'Mutation.proposeRatingModel': {
    operation: 'model.manage',
    // with no history the answer is CONFLICT (not enough to refit), which counts as reached
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'mutation($n: ID!) { proposeRatingModel(consortiumId: $n) { id } }', variables: { n: consortiumOf(w, t).id } }),
  },
  'Mutation.activateRatingModel': {
    operation: 'model.manage',
    targets: CONSORTIUM_TARGETS,
    request: (_w, t) => ({
      query: 'mutation($id: ID!) { activateRatingModel(id: $id) { status } }',
      variables: { id: prepared().proposedModel[t as 'homeConsortium' | 'otherConsortium'] },
    }),
  },
  'Query.watchlist': { operation: 'watchlist.manage', targets: OWN_BANK, request: () => ({ query: '{ watchlist { id } }' }) },
  'Query.webhookEndpoint': { operation: 'webhook.manage', targets: OWN_BANK, request: () => ({ query: '{ webhookEndpoint { id } }' }) },
  'Query.webhookDeliveries': { operation: 'webhook.deliveries.read', targets: OWN_BANK, request: () => ({ query: '{ webhookDeliveries { id } }' }) },
  'Mutation.grantConsent': {
    operation: 'consent.grant',
    // a MEMBER grants for its own company only: the input names no company
    targets: ['homeCompanyA'],
    request: (w) => ({
      query: 'mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }',
      variables: { i: { bankId: w.otherBank.id, scope: 'RATING', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
    }),
  },
  'Mutation.revokeConsent': {
    operation: 'consent.revoke',
    targets: READ_TARGETS,
    request: (_w, t) => ({ query: 'mutation($id: ID!) { revokeConsent(id: $id) { id } }', variables: { id: prepared().revokedConsent[companyTarget(t)] } }),
  },
  'Mutation.requestConsent': {
    operation: 'consentRequest.create',
    // the target is the asking bank; a repeated request is a CONFLICT, which counts as reached
    targets: OWN_BANK,
    request: (w) => ({
      query: 'mutation($i: RequestConsentInput!) { requestConsent(input: $i) { id } }',
      variables: { i: { creditCode: w.other.companyB.creditCode, scope: 'REPORT', purpose: 'LOAN_APPLICATION' } },
    }),
  },
  'Mutation.acceptConsentRequest': {
    operation: 'consentRequest.decide',
    targets: READ_TARGETS,
    request: (_w, t) => ({ query: 'mutation($id: ID!) { acceptConsentRequest(id: $id) { id } }', variables: { id: prepared().requestToAccept[companyTarget(t)] } }),
  },
  'Mutation.declineConsentRequest': {
    operation: 'consentRequest.decide',
    targets: READ_TARGETS,
    request: (_w, t) => ({ query: 'mutation($id: ID!) { declineConsentRequest(id: $id) { id } }', variables: { id: prepared().requestToDecline[companyTarget(t)] } }),
  },
  'Mutation.watchCompany': {
    operation: 'watchlist.add',
    targets: READ_TARGETS,
    request: (w, t) => ({ query: 'mutation($c: String!) { watchCompany(creditCode: $c) { id } }', variables: { c: companyOf(w, t).creditCode } }),
  },
  'Mutation.unwatchCompany': {
    operation: 'watchlist.manage',
    targets: OWN_BANK,
    request: (w) => ({ query: 'mutation($c: String!) { unwatchCompany(creditCode: $c) }', variables: { c: w.other.companyB.creditCode } }),
  },
  'Mutation.setWebhookEndpoint': {
    operation: 'webhook.manage',
    targets: OWN_BANK,
    request: () => ({ query: 'mutation { setWebhookEndpoint(url: "http://127.0.0.1:9/matrix") { secret } }' }),
  },
  'Mutation.rotateWebhookSecret': { operation: 'webhook.manage', targets: OWN_BANK, request: () => ({ query: 'mutation { rotateWebhookSecret { secret } }' }) },
  'Mutation.disableWebhookEndpoint': { operation: 'webhook.manage', targets: OWN_BANK, request: () => ({ query: 'mutation { disableWebhookEndpoint { id } }' }) },
  'Mutation.redeliverWebhook': {
    operation: 'webhook.redeliver',
    targets: ['bank', 'otherBank'],
    request: (_w, t) => ({
      query: 'mutation($id: ID!) { redeliverWebhook(id: $id) { id } }',
      variables: { id: t === 'bank' ? prepared().delivery.bank : prepared().delivery.otherBank },
    }),
  },
  'Subscription.bankAlerts': {
    operation: 'bankAlerts.subscribe',
    // over HTTP the refusal is the same as over graphql-ws; a bank is told to use graphql-ws
    targets: OWN_BANK,
    request: () => ({ query: 'subscription { bankAlerts { eventId } }' }),
  },
};
