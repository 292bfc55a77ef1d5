import type { Actor, Role } from '@app/domain';

/**
 * How the caller stands to the object of an operation, most specific first:
 * - `ownCompany`: the object is the caller's own company (a MEMBER)
 * - `ownConsortium`: it belongs to the caller's consortium (a COORDINATOR, or a MEMBER's
 *   fellow member)
 * - `ownBank`: it belongs to the caller's bank
 * - `consented`: a company that has an active consent for the caller's bank
 * - `foreign`: it belongs to another company, consortium or bank
 * - `global`: the operation has no tenant (creating a consortium, signing in)
 */
export const Relation = {
  OWN_COMPANY: 'ownCompany',
  OWN_CONSORTIUM: 'ownConsortium',
  OWN_BANK: 'ownBank',
  CONSENTED: 'consented',
  FOREIGN: 'foreign',
  GLOBAL: 'global',
} as const;
export type Relation = (typeof Relation)[keyof typeof Relation];
export const RELATIONS: readonly Relation[] = Object.values(Relation);

/** What an operation acts on, as far as access is concerned. */
export interface PolicyTarget {
  readonly companyId?: string | null;
  readonly consortiumId?: string | null;
  readonly bankId?: string | null;
  /** for bank reads: whether the company has an active consent for the caller's bank */
  readonly consentForCallerBank?: boolean;
}

export function relationOf(actor: Actor, target: PolicyTarget): Relation {
  if (target.companyId && actor.companyId === target.companyId) return Relation.OWN_COMPANY;
  if (target.consortiumId && actor.consortiumId === target.consortiumId) return Relation.OWN_CONSORTIUM;
  if (target.bankId && actor.bankId === target.bankId) return Relation.OWN_BANK;
  if (actor.role === 'BANK' && target.companyId && target.consentForCallerBank) return Relation.CONSENTED;
  if (target.companyId || target.consortiumId || target.bankId) return Relation.FOREIGN;
  return Relation.GLOBAL;
}

const ALL: readonly Relation[] = RELATIONS;
const { OWN_COMPANY, OWN_CONSORTIUM, OWN_BANK, CONSENTED } = Relation;

type Rule = Readonly<Partial<Record<Role, readonly Relation[]>>>;

/**
 * The access policy: operation x role -> the relations under which it is allowed.
 * Anything not listed is refused. Services ask it before acting, field resolvers before
 * revealing, and the authorization matrix test (test/authorization/) reads this table and
 * proves the running API follows it. Rules that depend on data beyond the relation (a
 * record's status, give-to-get) are checked by the service after the policy allows.
 */
export const POLICY = {
  'me.read': { ADMIN: ALL, COORDINATOR: ALL, MEMBER: ALL, BANK: ALL },

  'consortium.create': { ADMIN: ALL },
  'consortium.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_CONSORTIUM] },
  'consortium.members.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_CONSORTIUM] },
  'consortium.standing.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },

  'bank.create': { ADMIN: ALL },
  'bank.apiKeys.manage': { ADMIN: ALL },

  'company.register': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  'company.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY, OWN_CONSORTIUM] },
  'company.rating.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  /** "what if": a company asks about itself (issue 4) */
  'company.whatIf': { ADMIN: ALL, MEMBER: [OWN_COMPANY] },

  /** creating a MEMBER user for a company (the target is that company) */
  'user.create.member': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  /** creating ADMIN, COORDINATOR and BANK users */
  'user.create.staff': { ADMIN: ALL },

  'audit.verify': { ADMIN: ALL },

  // Bank access. A company's consents and inquiries are its own and its coordinator's; a
  // bank reads a company only under `consented` (an active consent for the caller's bank,
  // established by the read itself), and manages only what is its own bank's.
  'consent.grant': { MEMBER: [OWN_COMPANY] },
  'consent.revoke': { MEMBER: [OWN_COMPANY] },
  'consent.list': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  /** a bank asks a company for consent; the target is the asking bank */
  'consentRequest.create': { BANK: [OWN_BANK] },
  'consentRequest.list': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'consentRequest.decide': { MEMBER: [OWN_COMPANY] },
  /** a bank's own consents and consent requests */
  'bank.consents.read': { BANK: [OWN_BANK] },
  'bankRating.read': { BANK: [CONSENTED] },
  /** consented with scope REPORT */
  'creditReport.read': { BANK: [CONSENTED] },
  'inquiry.list': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  /** watching a company needs its consent; listing and removing are the bank's own business */
  'watchlist.add': { BANK: [CONSENTED] },
  'watchlist.manage': { BANK: [OWN_BANK] },
  'webhook.manage': { BANK: [OWN_BANK] },
  'webhook.deliveries.read': { BANK: [OWN_BANK] },
  'webhook.redeliver': { BANK: [OWN_BANK] },
  'bankAlerts.subscribe': { BANK: [OWN_BANK] },

  // The coordinator's view of its cluster
  'coordinator.view': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  'coordinator.stressTest': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  /** the guarantee fund and the risk parameters: data of the consortium its coordinator manages */
  'coordinator.fund.manage': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  /** model governance: the backtest, a refit's proposal, its activation (docs/scoring.md §6) */
  'model.manage': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  /** a company's records: about it, and filed by it (the target is the company) */
  'record.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  /** negative information past its 5 years: kept for audit, shown to no member or bank */
  'record.readExpired': { ADMIN: ALL },
  /** filing: the target is the company the filer files as (its own) or, for the coordinator and banks, the subject */
  'record.trade.report': { MEMBER: [OWN_COMPANY] },
  'record.trade.reportPayable': { MEMBER: [OWN_COMPANY] },
  'record.statement.submit': { MEMBER: [OWN_COMPANY] },
  'record.payment.file': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'record.taxGrade.file': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'record.loan.file': { BANK: ALL },
  'record.public.file': { COORDINATOR: [OWN_CONSORTIUM] },
  'record.guarantee.file': { MEMBER: [OWN_COMPANY] },
  'record.softSignal.file': { MEMBER: [OWN_COMPANY] },
  /** status moves: the target is the record's subject */
  'record.confirm': { MEMBER: [OWN_COMPANY] },
  'record.dispute': { MEMBER: [OWN_COMPANY] },
  'record.explain': { MEMBER: [OWN_COMPANY] },
  'record.verify': { COORDINATOR: [OWN_CONSORTIUM] },
  'record.resolveDispute': { COORDINATOR: [OWN_CONSORTIUM] },
  /** the owner withdrew the written consent behind an owner's-band signal: the company, or its coordinator on the owner's written request (target: the subject) */
  'record.ownerConsent.revoke': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'dispute.list': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  /** a company's notices (target: the company), or the coordinator's (target: the consortium) */
  'notice.read': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'notice.acknowledge': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  /** CSV imports: the target is the importer's company, or the coordinator's consortium */
  'import.tradeExperiences': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'import.paymentRecords': { MEMBER: [OWN_COMPANY], COORDINATOR: [OWN_CONSORTIUM] },
  'import.publicRecords': { COORDINATOR: [OWN_CONSORTIUM] },
  'import.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  /** recomputes every record version's hash and compares it with the audit log */
  'record.ledger.verify': { ADMIN: ALL },

  /**
   * checking a fellow member (the target is the partner): never oneself, never another
   * consortium; give to get and the daily limit are checked by the service after this
   */
  'partner.check': { MEMBER: [OWN_CONSORTIUM] },
  /** the checks made of a company (the target is that company) */
  'partner.checks.read': { COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  /** a company's standing under give to get: may it check, how many checks are left today */
  'partner.allowance.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  /** per member: trade lines contributed and checks made (the target is the consortium) */
  'partner.activity.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },
  /** a consortium's give-to-get window, minimum and daily limit */
  'partner.rules.set': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM] },

  /** a company's public profile settings and its preview (the target is the company) */
  'profile.read': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  /** publishing, choosing what it shows, unpublishing: the company's own decision */
  'profile.manage': { MEMBER: [OWN_COMPANY] },

  // The recompute pipeline (docs/pipeline.md)
  /** RatingChanged events of a company (the target is the company): the same eyes as its rating */
  'ratingChanged.subscribe': { ADMIN: ALL, COORDINATOR: [OWN_CONSORTIUM], MEMBER: [OWN_COMPANY] },
  'fullRecompute.start': { ADMIN: ALL },
  'fullRecompute.read': { ADMIN: ALL },
  /** Bull Board at /admin/queues: every job of every queue, with retry and remove */
  'queues.admin': { ADMIN: ALL },
} as const satisfies Record<string, Rule>;

export type Operation = keyof typeof POLICY;
export const OPERATIONS = Object.keys(POLICY) as Operation[];

export function isAllowed(actor: Actor, operation: Operation, target: PolicyTarget = {}): boolean {
  const rule: Rule = POLICY[operation];
  const relations = rule[actor.role];
  return relations !== undefined && relations.includes(relationOf(actor, target));
}

/**
 * Every GraphQL operation and sensitive field, and the policy operation that guards it
 * (`public` for sign-in, which needs no caller). The authorization matrix test fails when
 * the schema has a Query or Mutation field, or a field listed in SENSITIVE_FIELDS, that is
 * missing here: nothing ships unchecked.
 */
export const SCHEMA_GUARDS: Readonly<Record<string, Operation | 'public'>> = {
  'Query.ping': 'public',
  'Query.me': 'me.read',
  'Query.consortium': 'consortium.read',
  'Query.company': 'company.read',
  'Query.whatIf': 'company.whatIf',
  'Query.verifyAuditLog': 'audit.verify',
  'Query.consents': 'consent.list',
  'Query.bankConsents': 'bank.consents.read',
  'Query.consentRequests': 'consentRequest.list',
  'Query.bankConsentRequests': 'bank.consents.read',
  'Query.bankRating': 'bankRating.read',
  'Query.bankRatings': 'bankRating.read',
  'Query.creditReport': 'creditReport.read',
  'Query.inquiries': 'inquiry.list',
  'Query.watchlist': 'watchlist.manage',
  'Query.coordinatorView': 'coordinator.view',
  'Query.stressTest': 'coordinator.stressTest',
  'Query.guaranteeFund': 'coordinator.view',
  'Mutation.setGuaranteeFund': 'coordinator.fund.manage',
  'Mutation.setRiskParameters': 'coordinator.fund.manage',
  'Query.modelBacktest': 'model.manage',
  'Query.ratingModels': 'model.manage',
  'Mutation.proposeRatingModel': 'model.manage',
  'Mutation.activateRatingModel': 'model.manage',
  'Query.webhookEndpoint': 'webhook.manage',
  'Query.webhookDeliveries': 'webhook.deliveries.read',
  'Mutation.login': 'public',
  'Mutation.refreshToken': 'public',
  'Mutation.createConsortium': 'consortium.create',
  'Mutation.createBank': 'bank.create',
  'Mutation.createApiKey': 'bank.apiKeys.manage',
  'Mutation.revokeApiKey': 'bank.apiKeys.manage',
  'Mutation.registerCompany': 'company.register',
  'Mutation.createUser': 'user.create.member',
  'Mutation.grantConsent': 'consent.grant',
  'Mutation.revokeConsent': 'consent.revoke',
  'Mutation.requestConsent': 'consentRequest.create',
  'Mutation.acceptConsentRequest': 'consentRequest.decide',
  'Mutation.declineConsentRequest': 'consentRequest.decide',
  'Mutation.watchCompany': 'watchlist.add',
  'Mutation.unwatchCompany': 'watchlist.manage',
  'Mutation.setWebhookEndpoint': 'webhook.manage',
  'Mutation.rotateWebhookSecret': 'webhook.manage',
  'Mutation.disableWebhookEndpoint': 'webhook.manage',
  'Mutation.redeliverWebhook': 'webhook.redeliver',
  'Subscription.bankAlerts': 'bankAlerts.subscribe',
  'Query.records': 'record.read',
  'Query.record': 'record.read',
  'Query.disputes': 'dispute.list',
  'Query.notices': 'notice.read',
  'Query.importJob': 'import.read',
  'Query.imports': 'import.read',
  'Query.verifyRecordLedger': 'record.ledger.verify',
  'Mutation.reportTradeExperience': 'record.trade.report',
  'Mutation.reportTradePayable': 'record.trade.reportPayable',
  'Mutation.submitFinancialStatement': 'record.statement.submit',
  'Mutation.filePaymentRecord': 'record.payment.file',
  'Mutation.fileTaxCreditGrade': 'record.taxGrade.file',
  'Mutation.fileLoanRecord': 'record.loan.file',
  'Mutation.filePublicRecord': 'record.public.file',
  'Mutation.fileGuarantee': 'record.guarantee.file',
  'Mutation.fileSoftSignal': 'record.softSignal.file',
  'Mutation.confirmRecord': 'record.confirm',
  'Mutation.disputeRecord': 'record.dispute',
  'Mutation.explainRecord': 'record.explain',
  'Mutation.verifyRecord': 'record.verify',
  'Mutation.resolveDispute': 'record.resolveDispute',
  'Mutation.revokeOwnerConsent': 'record.ownerConsent.revoke',
  'Mutation.acknowledgeNotice': 'notice.acknowledge',
  'Query.partnerCheck': 'partner.check',
  'Query.partnerChecks': 'partner.checks.read',
  'Query.partnerCheckAllowance': 'partner.allowance.read',
  'Query.partnerCheckActivity': 'partner.activity.read',
  'Mutation.setPartnerCheckRules': 'partner.rules.set',
  'Query.publicProfile': 'profile.read',
  'Query.publicProfilePreview': 'profile.read',
  'Mutation.publishPublicProfile': 'profile.manage',
  'Mutation.setPublicProfileFields': 'profile.manage',
  'Mutation.unpublishPublicProfile': 'profile.manage',
  'Consortium.members': 'consortium.members.read',
  'Consortium.standing': 'consortium.standing.read',
  'Company.rating': 'company.rating.read',
  'Company.ratingHistory': 'company.rating.read',
  'Subscription.ratingChanged': 'ratingChanged.subscribe',
  'Mutation.startFullRecompute': 'fullRecompute.start',
  'Query.fullRecomputeRun': 'fullRecompute.read',
};

/** Object fields that reveal more than their parent, each guarded on its own. */
export const SENSITIVE_FIELDS: readonly string[] = ['Consortium.members', 'Consortium.standing', 'Company.rating', 'Company.ratingHistory'];
