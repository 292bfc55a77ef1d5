import type { Company } from '@app/domain';
import type { CreditRating, Grade } from '@app/domain/scoring';
import { RatingRepository } from '@app/persistence';
import type { DataSource } from 'typeorm';

/** A stored rating with this grade, as the recompute pipeline would write it. */
export async function insertRating(dataSource: DataSource, company: Company, grade: Grade, score = 700): Promise<void> {
  const rating: CreditRating = {
    companyId: company.id,
    score,
    grade,
    pd: 0.0123,
    inDefault: grade === 'D',
    reasons: [{ code: 'PAYMENT_DELAYS', factor: 'PAYMENT_BEHAVIOUR', description: 'Pays about 15 days late', descriptionZh: '平均逾期约15天', pointsLost: 18 }],
    factors: [{ name: 'PAYMENT_BEHAVIOUR', score: 70, weight: 1 }],
    factorResults: [],
    confidence: 0.8,
    verifiedRecords: 7,
    modelVersion: 'partners-test-1',
    asOf: new Date().toISOString().slice(0, 10),
  };
  await new RatingRepository().insert(dataSource.manager, company.consortiumId, rating, null, `partners-test-${Date.now()}-${Math.random()}`);
}

export const PUBLISH = `mutation($input: PublishPublicProfileInput!) {
  publishPublicProfile(input: $input) { companyId published slug fields publishedAt url badgeUrl badgeHtml }
}`;
export const SET_FIELDS = `mutation($input: PublicProfileFieldsInput!) { setPublicProfileFields(input: $input) { companyId published slug fields } }`;
export const UNPUBLISH = `mutation($companyId: ID!) { unpublishPublicProfile(companyId: $companyId) { companyId published slug fields publishedAt } }`;
export const SETTINGS = `query($companyId: ID!) { publicProfile(companyId: $companyId) { companyId published slug fields url badgeUrl } }`;
export const PREVIEW = `query($companyId: ID!, $fields: [PublicProfileField!]) {
  publicProfilePreview(companyId: $companyId, fields: $fields) {
    published url fields name creditCode consortium { name region industry } grade gradeComputedAt
    certifications { title recordedOn validUntil evidenceName evidenceSha256 }
    communityWork { title recordedOn validUntil evidenceName evidenceSha256 }
    memberSince yearsInAlliance html
  }
}`;

export interface Fetched {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Fetches until `done` holds or `ms` pass; returns the last answer (the caller asserts on it). */
export async function getUntil(url: string, done: (f: Fetched) => boolean, ms = 5_000): Promise<Fetched> {
  const until = Date.now() + ms;
  for (;;) {
    const fetched = await get(url);
    if (done(fetched) || Date.now() > until) return fetched;
    await new Promise((r) => setTimeout(r, 100));
  }
}
