import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PUBLIC_PROFILE_FIELDS, type PublicCredential, type PublicProfileField, type PublicProfileSettings } from '@app/domain';
import { CalendarDateScalar } from '@api/common/scalars';
import { escapeHtml } from '../html-escape';
import { profileUrl } from '../profile-page.renderer';
import type { PublicProfileView } from '../public-profile.view';

export const PublicProfileFieldEnum = Object.fromEntries(PUBLIC_PROFILE_FIELDS.map((f) => [f, f])) as { [K in PublicProfileField]: K };

registerEnumType(PublicProfileFieldEnum, {
  name: 'PublicProfileField',
  description: 'an item a public credit profile may show; only verified items are ever shown',
  valuesMap: {
    NAME: { description: "the company's name" },
    CREDIT_CODE: { description: 'its unified social credit code' },
    CONSORTIUM: { description: 'the credit alliance it belongs to' },
    GRADE: { description: 'its current grade and the date it was computed (never the score, PD or reasons)' },
    CERTIFICATIONS: { description: 'its verified certifications, with their evidence' },
    COMMUNITY_WORK: { description: 'its verified community and social-responsibility work, with its evidence' },
    YEARS_IN_ALLIANCE: { description: 'how long it has been a member' },
  },
});

@ObjectType('PublicProfileSettings', { description: "a company's public credit profile: whether it is published, at which address, showing what" })
export class PublicProfileSettingsModel {
  @Field(() => ID) companyId: string;
  @Field({ description: 'whether GET /p/<slug> shows the profile now' }) published: boolean;
  @Field(() => String, { nullable: true, description: 'the stable address /p/<slug>; fixed when first published, kept after unpublishing' })
  slug: string | null;
  @Field(() => [PublicProfileFieldEnum], { description: 'what the profile shows, when verified' }) fields: PublicProfileField[];
  @Field(() => Date, { nullable: true }) publishedAt: Date | null;
  @Field(() => Date, { nullable: true }) updatedAt: Date | null;
  @Field(() => String, { nullable: true, description: "the profile page's address" }) url: string | null;
  @Field(() => String, { nullable: true, description: "the badge's address (SVG, Chinese and English)" }) badgeUrl: string | null;
  @Field(() => String, { nullable: true, description: 'HTML to put the badge on a website, linking to the profile' }) badgeHtml: string | null;
}

export function toPublicProfileSettingsModel(s: PublicProfileSettings, baseUrl: string): PublicProfileSettingsModel {
  const url = s.slug ? profileUrl(baseUrl, s.slug) : null;
  const badgeUrl = url ? `${url}/badge.svg` : null;
  return Object.assign(new PublicProfileSettingsModel(), {
    companyId: s.companyId,
    published: s.published,
    slug: s.slug,
    fields: [...s.fields],
    publishedAt: s.publishedAt,
    updatedAt: s.updatedAt,
    url,
    badgeUrl,
    badgeHtml:
      url && badgeUrl
        ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener"><img src="${escapeHtml(badgeUrl)}" alt="信用联盟 Credit Alliance 信用档案 credit profile" height="20"></a>`
        : null,
  });
}

@ObjectType('PublicConsortium')
export class PublicConsortiumModel {
  @Field() name: string;
  @Field() region: string;
  @Field() industry: string;
}

@ObjectType('PublicCredential', { description: 'a verified certification or piece of community work, as the public sees it' })
export class PublicCredentialModel {
  @Field({ description: 'the certificate, award or source, as filed' }) title: string;
  @Field(() => CalendarDateScalar) recordedOn: string;
  @Field(() => CalendarDateScalar, { nullable: true }) validUntil: string | null;
  @Field(() => String, { nullable: true }) evidenceName: string | null;
  @Field(() => String, { nullable: true, description: "hex SHA-256 of the evidence document" }) evidenceSha256: string | null;
}

@ObjectType('PublicProfileView', {
  description: 'exactly what the public sees at /p/<slug>: a field is null when the company did not choose it (or, for the grade, before the first rating)',
})
export class PublicProfileViewModel {
  @Field({ description: 'whether the public sees it now; a preview of an unpublished profile shows what publishing would show' })
  published: boolean;
  @Field(() => String, { nullable: true }) url: string | null;
  @Field(() => [PublicProfileFieldEnum]) fields: PublicProfileField[];
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => String, { nullable: true }) creditCode: string | null;
  @Field(() => PublicConsortiumModel, { nullable: true }) consortium: PublicConsortiumModel | null;
  @Field(() => String, { nullable: true }) grade: string | null;
  @Field(() => Date, { nullable: true }) gradeComputedAt: Date | null;
  @Field(() => [PublicCredentialModel], { nullable: true }) certifications: PublicCredentialModel[] | null;
  @Field(() => [PublicCredentialModel], { nullable: true }) communityWork: PublicCredentialModel[] | null;
  @Field(() => CalendarDateScalar, { nullable: true }) memberSince: string | null;
  @Field(() => Int, { nullable: true }) yearsInAlliance: number | null;
  @Field({ description: 'the page itself, byte for byte what GET /p/<slug> answers' }) html: string;
}

const credential = (c: PublicCredential): PublicCredentialModel => Object.assign(new PublicCredentialModel(), { ...c });

export function toPublicProfileViewModel(view: PublicProfileView, html: string, baseUrl: string): PublicProfileViewModel {
  return Object.assign(new PublicProfileViewModel(), {
    published: view.published,
    url: view.slug ? profileUrl(baseUrl, view.slug) : null,
    fields: [...view.fields],
    name: view.name,
    creditCode: view.creditCode,
    consortium: view.consortium ? Object.assign(new PublicConsortiumModel(), view.consortium) : null,
    grade: view.grade,
    gradeComputedAt: view.gradeComputedAt,
    certifications: view.certifications?.map(credential) ?? null,
    communityWork: view.communityWork?.map(credential) ?? null,
    memberSince: view.memberSince,
    yearsInAlliance: view.yearsInAlliance,
    html,
  });
}
