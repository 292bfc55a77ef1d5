import { reportTrade } from '../../records/records-support';
import { COMPANY_TARGETS, companyOf, CONSORTIUM_TARGETS, consortiumOf, type MatrixCase } from '../matrix.types';

/** Partner checks and the public credit profile (issue 7). */
export const PARTNERS_CASES: Readonly<Record<string, MatrixCase>> = {
  'Query.partnerCheck': {
    operation: 'partner.check',
    targets: COMPANY_TARGETS,
    // give to get: the matrix's MEMBER (home member A) has reported a trade experience, so
    // only the relation decides; its own company and another consortium's are refused, the
    // latter as BAD_USER_INPUT, the answer to a code no company is registered under
    concealed: ['otherCompany'],
    setup: async (w) => {
      await reportTrade(w.home.memberA.client, w.home.companyB.creditCode);
    },
    request: (w, t) => ({ query: 'query($c: String!) { partnerCheck(creditCode: $c) { grade paymentIndex } }', variables: { c: companyOf(w, t).creditCode } }),
  },
  'Query.partnerChecks': {
    operation: 'partner.checks.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { partnerChecks(companyId: $id) { id checker at } }', variables: { id: companyOf(w, t).id } }),
  },
  'Query.partnerCheckAllowance': {
    operation: 'partner.allowance.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { partnerCheckAllowance(companyId: $id) { qualifies checksLeftToday } }', variables: { id: companyOf(w, t).id } }),
  },
  'Query.partnerCheckActivity': {
    operation: 'partner.activity.read',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'query($id: ID!) { partnerCheckActivity(consortiumId: $id) { members { company { id } tradeLinesReported checksMade } } }',
      variables: { id: consortiumOf(w, t).id },
    }),
  },
  'Mutation.setPartnerCheckRules': {
    operation: 'partner.rules.set',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'mutation($id: ID!, $i: PartnerCheckRulesInput!) { setPartnerCheckRules(consortiumId: $id, input: $i) { custom } }',
      variables: { id: consortiumOf(w, t).id, i: { contributionWindowMonths: 12, minTradeLines: 1, dailyCheckLimit: 20 } },
    }),
  },
  'Query.publicProfile': {
    operation: 'profile.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { publicProfile(companyId: $id) { companyId published } }', variables: { id: companyOf(w, t).id } }),
  },
  'Query.publicProfilePreview': {
    operation: 'profile.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { publicProfilePreview(companyId: $id) { html } }', variables: { id: companyOf(w, t).id } }),
  },
  'Mutation.publishPublicProfile': {
    operation: 'profile.manage',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: PublishPublicProfileInput!) { publishPublicProfile(input: $i) { slug } }',
      variables: { i: { companyId: companyOf(w, t).id, fields: ['NAME', 'GRADE'] } },
    }),
  },
  'Mutation.setPublicProfileFields': {
    operation: 'profile.manage',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: PublicProfileFieldsInput!) { setPublicProfileFields(input: $i) { fields } }',
      variables: { i: { companyId: companyOf(w, t).id, fields: ['NAME'] } },
    }),
  },
  'Mutation.unpublishPublicProfile': {
    operation: 'profile.manage',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'mutation($id: ID!) { unpublishPublicProfile(companyId: $id) { published } }', variables: { id: companyOf(w, t).id } }),
  },
};
