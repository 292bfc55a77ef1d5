import type { PublicCredential, PublicProfileField, PublicProfileSource } from '@app/domain';

/**
 * What the public sees of a profile: only the items its company chose, each from what is
 * verified and current (the repository's source holds nothing else). The page, the badge
 * and the owner's preview are all made from this one value, so the preview is the page.
 */
export interface PublicProfileView {
  readonly slug: string | null;
  readonly published: boolean;
  /** the chosen items, in canonical order */
  readonly fields: readonly PublicProfileField[];
  readonly name: string | null;
  readonly creditCode: string | null;
  readonly consortium: { readonly name: string; readonly region: string; readonly industry: string } | null;
  /** null when not chosen, or chosen and not yet rated (then `fields` has GRADE) */
  readonly grade: string | null;
  readonly gradeComputedAt: Date | null;
  readonly certifications: readonly PublicCredential[] | null;
  readonly communityWork: readonly PublicCredential[] | null;
  readonly memberSince: string | null;
  readonly yearsInAlliance: number | null;
}

/** Whole years from `from` to `to` (calendar dates), as an anniversary counts them. */
export function wholeYears(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  const years = ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
  return Math.max(0, years);
}

export function publicProfileView(source: PublicProfileSource, fields: readonly PublicProfileField[], today: string): PublicProfileView {
  const shows = (field: PublicProfileField): boolean => fields.includes(field);
  return {
    slug: source.slug,
    published: source.published,
    fields: [...fields],
    name: shows('NAME') ? source.name : null,
    creditCode: shows('CREDIT_CODE') ? source.creditCode : null,
    consortium: shows('CONSORTIUM') ? { ...source.consortium } : null,
    grade: shows('GRADE') ? source.grade : null,
    gradeComputedAt: shows('GRADE') ? source.gradeComputedAt : null,
    certifications: shows('CERTIFICATIONS') ? source.certifications : null,
    communityWork: shows('COMMUNITY_WORK') ? source.communityWork : null,
    memberSince: shows('YEARS_IN_ALLIANCE') ? source.joinedOn : null,
    yearsInAlliance: shows('YEARS_IN_ALLIANCE') ? wholeYears(source.joinedOn, today) : null,
  };
}
