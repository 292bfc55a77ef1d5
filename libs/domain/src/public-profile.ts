import { BadInputError } from './errors';

/**
 * The public credit profile (/p/<slug>): opt-in, and showing only the items its company
 * chose, and of those only what was verified. Never personal data: no users, no owner,
 * no owner's credit band, no score, PD, reasons or records.
 */
export const PUBLIC_PROFILE_FIELDS = [
  'NAME',
  'CREDIT_CODE',
  'CONSORTIUM',
  'GRADE',
  'CERTIFICATIONS',
  'COMMUNITY_WORK',
  'YEARS_IN_ALLIANCE',
] as const;
export type PublicProfileField = (typeof PUBLIC_PROFILE_FIELDS)[number];

/** A company's profile settings; a company that never published has none stored. */
export interface PublicProfileSettings {
  readonly companyId: string;
  /** fixed when first published, kept after unpublishing so no one else can take it */
  readonly slug: string | null;
  /** what it chose to show, in the order of PUBLIC_PROFILE_FIELDS */
  readonly fields: readonly PublicProfileField[];
  readonly published: boolean;
  readonly publishedAt: Date | null;
  readonly updatedAt: Date | null;
}

/** One verified soft signal a profile may show: a certification or community work, with its evidence. */
export interface PublicCredential {
  /** the certificate, award or source, as filed */
  readonly title: string;
  readonly recordedOn: string;
  readonly validUntil: string | null;
  readonly evidenceName: string | null;
  /** hex SHA-256 of the evidence document, so a visitor holding it can check it */
  readonly evidenceSha256: string | null;
}

/**
 * Everything a profile could show about its company, already restricted to what is
 * verified and current: the input of the public view, which keeps only the chosen items.
 */
export interface PublicProfileSource {
  readonly companyId: string;
  readonly slug: string | null;
  readonly published: boolean;
  readonly fields: readonly PublicProfileField[];
  readonly name: string;
  readonly creditCode: string;
  readonly consortium: { readonly name: string; readonly region: string; readonly industry: string };
  readonly joinedOn: string;
  /** the current stand-alone grade, null until first rated */
  readonly grade: string | null;
  readonly gradeComputedAt: Date | null;
  readonly certifications: readonly PublicCredential[];
  readonly communityWork: readonly PublicCredential[];
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;

/** Words a slug may not be: paths of our own, and names that would mislead. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'static',
  'assets',
  'admin',
  'api',
  'graphql',
  'health',
  'metrics',
  'badge',
  'preview',
  'login',
  'www',
  'credit-alliance',
  'official',
]);

export function isProfileSlug(value: string): boolean {
  return SLUG.test(value) && !value.includes('--') && !RESERVED_SLUGS.has(value);
}

/** A slug from input: 3-40 lowercase letters, digits and single hyphens, not reserved. */
export function parseProfileSlug(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new BadInputError(field, `${field} must be text`);
  const slug = value.trim();
  if (!SLUG.test(slug) || slug.includes('--')) {
    throw new BadInputError(field, `${field} must be 3 to 40 lowercase letters (a-z), digits and single hyphens, starting and ending with a letter or digit`);
  }
  if (RESERVED_SLUGS.has(slug)) throw new BadInputError(field, `${field} "${slug}" is reserved; choose another`);
  return slug;
}

/** A choice of fields from input: known names, each once, in canonical order. */
export function parseProfileFields(field: string, value: unknown, { atLeastOne }: { atLeastOne: boolean }): PublicProfileField[] {
  if (!Array.isArray(value)) throw new BadInputError(field, `${field} must be a list of ${PUBLIC_PROFILE_FIELDS.join(', ')}`);
  const chosen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || !(PUBLIC_PROFILE_FIELDS as readonly string[]).includes(item)) {
      throw new BadInputError(field, `${field} may hold only ${PUBLIC_PROFILE_FIELDS.join(', ')}`);
    }
    chosen.add(item);
  }
  if (atLeastOne && chosen.size === 0) throw new BadInputError(field, `${field} must choose at least one item to show`);
  return PUBLIC_PROFILE_FIELDS.filter((f) => chosen.has(f));
}
