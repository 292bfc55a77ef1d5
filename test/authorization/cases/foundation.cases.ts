import { randomBytes } from 'node:crypto';
import { randomCreditCode } from '@app/testing';
import { BANK_TARGETS, bankOf, COMPANY_TARGETS, companyOf, CONSORTIUM_TARGETS, consortiumOf, type MatrixCase } from '../matrix.types';

const unique = (): string => randomBytes(4).toString('hex');

export const FOUNDATION_CASES: Readonly<Record<string, MatrixCase>> = {
  'Query.ping': { operation: 'public', targets: ['none'], request: () => ({ query: '{ ping }' }) },
  'Query.me': { operation: 'me.read', targets: ['none'], request: () => ({ query: '{ me { id role } }' }) },
  'Query.consortium': {
    operation: 'consortium.read',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { consortium(id: $id) { id name } }', variables: { id: consortiumOf(w, t).id } }),
  },
  'Consortium.members': {
    operation: 'consortium.members.read',
    parent: 'consortium.read',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { consortium(id: $id) { members { id name } } }', variables: { id: consortiumOf(w, t).id } }),
  },
  'Consortium.standing': {
    operation: 'consortium.standing.read',
    parent: 'consortium.read',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { consortium(id: $id) { standing { grade } } }', variables: { id: consortiumOf(w, t).id } }),
  },
  'Query.company': {
    operation: 'company.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { company(id: $id) { id creditCode } }', variables: { id: companyOf(w, t).id } }),
  },
  'Query.whatIf': {
    operation: 'company.whatIf',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'query($id: ID!) { whatIf(companyId: $id, changes: [{ kind: SETTLE_OVERDUE_INVOICES }]) { scoreChange } }',
      variables: { id: companyOf(w, t).id },
    }),
  },
  'Company.rating': {
    operation: 'company.rating.read',
    parent: 'company.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { company(id: $id) { rating { score } } }', variables: { id: companyOf(w, t).id } }),
  },
  'Query.verifyAuditLog': { operation: 'audit.verify', targets: ['none'], request: () => ({ query: '{ verifyAuditLog { ok } }' }) },
  'Mutation.login': {
    operation: 'public',
    targets: ['none'],
    request: (w) => ({
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      variables: { e: w.home.memberB.user.email, p: 'correct horse battery staple' },
    }),
  },
  'Mutation.refreshToken': {
    operation: 'public',
    targets: ['none'],
    // a malformed token: UNAUTHENTICATED for everyone, which the runner treats as "reached"
    request: () => ({ query: 'mutation { refreshToken(refreshToken: "x") { accessToken } }' }),
  },
  'Mutation.createConsortium': {
    operation: 'consortium.create',
    targets: ['none'],
    request: () => ({
      query: 'mutation($i: CreateConsortiumInput!) { createConsortium(input: $i) { id } }',
      variables: { i: { name: `矩阵联盟 ${unique()}`, region: '温州', industry: '鞋业' } },
    }),
  },
  'Mutation.createBank': {
    operation: 'bank.create',
    targets: ['none'],
    request: () => ({ query: 'mutation($i: CreateBankInput!) { createBank(input: $i) { id } }', variables: { i: { name: `矩阵银行 ${unique()}` } } }),
  },
  'Mutation.createApiKey': {
    operation: 'bank.apiKeys.manage',
    targets: BANK_TARGETS,
    request: (w, t) => ({ query: 'mutation($b: ID!) { createApiKey(bankId: $b, name: "matrix") { secret } }', variables: { b: bankOf(w, t).id } }),
  },
  'Mutation.revokeApiKey': {
    operation: 'bank.apiKeys.manage',
    targets: ['none'],
    // an id that names no key: NOT_FOUND for the allowed, FORBIDDEN for the others
    request: () => ({ query: 'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }' }),
  },
  'Mutation.registerCompany': {
    operation: 'company.register',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: RegisterCompanyInput!) { registerCompany(input: $i) { id } }',
      variables: { i: { consortiumId: consortiumOf(w, t).id, creditCode: randomCreditCode(), name: `矩阵测试公司${unique()}` } },
    }),
  },
  'Mutation.createUser': {
    operation: 'user.create.member',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
      variables: { i: { email: `matrix-${unique()}@x.cn`, password: 'a long enough password', role: 'MEMBER', companyId: companyOf(w, t).id } },
    }),
  },
};
