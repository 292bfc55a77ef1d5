import type { Company } from '@app/domain';
import { RatingFixtures } from '@app/testing';
import type { RunningApi } from '../support/api';
import { type SignedIn, type World } from '../support/world';

export const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id scope active expiresAt revokedAt grantedAt company { id } bank { id } } }`;
export const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id active revokedAt } }`;
export const BANK_RATING = `query($code: String!, $purpose: InquiryPurpose!) {
  bankRating(creditCode: $code, purpose: $purpose) {
    creditCode companyName consortiumName consortiumGrade inquiryId readAt
    rating { score grade pd reasons { code description descriptionZh } factors { name score weight } backed { grade pd notchesUplift } verifiedRecords modelVersion computedAt }
  }
}`;
export const INQUIRIES = `query($companyId: ID!) { inquiries(companyId: $companyId) { id bank { id name } purpose at scope readBy channel } }`;

/** A fresh member company of the home consortium with a signed-in MEMBER, so tests never share rows. */
export async function freshCompany(world: World, consortiumId = world.home.consortium.id): Promise<{ company: Company; member: SignedIn }> {
  const company = await world.factories.company(consortiumId);
  const member = await world.signIn(await world.factories.user('MEMBER', { companyId: company.id }));
  return { company, member };
}

export async function grant(member: SignedIn, bankId: string, scope: 'RATING' | 'REPORT' = 'RATING', expiresAt?: Date): Promise<{ id: string }> {
  const data = await member.client.ok<{ grantConsent: { id: string } }>(GRANT, { input: { bankId, scope, expiresAt: expiresAt?.toISOString() } });
  return data.grantConsent;
}

export async function inquiryCount(api: RunningApi, companyId: string): Promise<number> {
  const rows: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM inquiries WHERE company_id = $1', [companyId]);
  return Number(rows[0].n);
}

export function fixtures(api: RunningApi): RatingFixtures {
  return new RatingFixtures(api.dataSource);
}
