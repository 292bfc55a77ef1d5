import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractDifferences } from '../../tools/schema/contract-diff';

const ROOT = join(__dirname, '..', '..');
const schema = readFileSync(join(ROOT, 'apps/api/schema.gql'), 'utf8');
const contract = readFileSync(join(ROOT, 'apps/api/contract.graphql'), 'utf8');

describe('the integration contract', () => {
  it('is held whole by the committed schema (every type, field, argument and enum value, same types)', () => {
    expect(contractDifferences(schema, contract)).toEqual([]);
  });

  it('is checked for real: a schema that lost a field, changed a type or added a required argument differs', () => {
    const broken = schema
      .replace('check digit per GB 32100-2015\n  """\n  creditCode: String!', 'check digit per GB 32100-2015\n  """\n  creditCode: String')
      .replace('partnerCheck(creditCode: String!): PartnerView!', 'partnerCheck(creditCode: String!, reason: String!): PartnerView!')
      .replace('\n\n  """how many VERIFIED records this rating rests on"""\n  verifiedRecords: Int!', '');
    expect(broken).not.toBe(schema);
    const problems = contractDifferences(broken, contract);
    expect(problems.some((p) => p.startsWith('Company.creditCode: is String'))).toBe(true);
    expect(problems).toContain('Query.partnerCheck(reason): a required argument the contract does not have');
    expect(problems.some((p) => p.endsWith('.verifiedRecords: missing'))).toBe(true);
  });
});
