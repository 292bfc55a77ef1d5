import { COMPANY_TARGETS, companyOf, type MatrixCase } from '../matrix.types';

/** Partner checks and the public credit profile (issue 7). */
export const PARTNERS_CASES: Readonly<Record<string, MatrixCase>> = {
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
