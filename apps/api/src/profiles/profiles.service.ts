import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  chinaCalendarDay,
  Clock,
  type Company,
  ConflictError,
  NotFoundError,
  parseId,
  parseProfileFields,
  parseProfileSlug,
  type PublicProfileField,
  type PublicProfileSettings,
} from '@app/domain';
import { AuditLogRepository, CompanyRepository, PublicProfileRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import type { Operation } from '@api/policy/policy';
import { PolicyService } from '@api/policy/policy.service';
import type { PublicProfileFieldsInput, PublishPublicProfileInput } from './dto/public-profile.inputs';
import { renderProfilePage } from './profile-page.renderer';
import { PublicPagesService } from './public-pages.service';
import { publicProfileView, type PublicProfileView } from './public-profile.view';

/** Lowercase letters and digits that cannot be misread for one another (no l, o, 0, 1). */
const SLUG_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function randomSlug(): string {
  let slug = '';
  for (let i = 0; i < 10; i += 1) slug += SLUG_ALPHABET[randomInt(SLUG_ALPHABET.length)];
  return slug;
}

const unpublishedSettings = (companyId: string): PublicProfileSettings => ({
  companyId,
  slug: null,
  fields: [],
  published: false,
  publishedAt: null,
  updatedAt: null,
});

/**
 * Managing a public credit profile: publish at a stable slug, choose what it shows, preview
 * exactly what the public sees, unpublish. Every change is audited and takes effect at once
 * (this process's page cache is evicted after the commit).
 */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly companies: CompanyRepository,
    private readonly profiles: PublicProfileRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly pages: PublicPagesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get baseUrl(): string {
    return this.config.publicProfiles.baseUrl;
  }

  async settings(actor: Actor, companyIdInput: string): Promise<PublicProfileSettings> {
    const company = await this.company(actor, 'profile.read', 'companyId', companyIdInput);
    return (await this.profiles.find(this.dataSource.manager, company.id)) ?? unpublishedSettings(company.id);
  }

  /** What the public sees with the current choice, or with `fieldsInput` to try another. */
  async preview(actor: Actor, companyIdInput: string, fieldsInput: unknown): Promise<{ view: PublicProfileView; html: string }> {
    const company = await this.company(actor, 'profile.read', 'companyId', companyIdInput);
    const candidate = fieldsInput === undefined || fieldsInput === null ? null : parseProfileFields('fields', fieldsInput, { atLeastOne: false });
    const today = chinaCalendarDay(this.clock.now());
    const source = await this.profiles.companySource(this.dataSource.manager, company.id, today);
    if (!source) throw new NotFoundError('No such company');
    const view = publicProfileView(source, candidate ?? source.fields, today);
    return { view, html: renderProfilePage(view, this.baseUrl) };
  }

  async publish(actor: Actor, input: PublishPublicProfileInput): Promise<PublicProfileSettings> {
    this.policy.assertRole(actor, 'profile.manage');
    const companyId = parseId('input.companyId', input.companyId);
    const slug = input.slug === undefined || input.slug === null ? null : parseProfileSlug('input.slug', input.slug);
    const fields = input.fields === undefined || input.fields === null ? null : parseProfileFields('input.fields', input.fields, { atLeastOne: true });
    const company = await this.company(actor, 'profile.manage', 'input.companyId', companyId);
    return this.change(actor, company, (current, at) => {
      if (current.slug && slug && slug !== current.slug) {
        throw new ConflictError(`This profile's address is fixed at /p/${current.slug}, which its badges link to; it cannot move to /p/${slug}`, {
          field: 'input.slug',
        });
      }
      const chosen = fields ?? current.fields;
      if (chosen.length === 0) throw new BadInputError('input.fields', 'input.fields must choose at least one item to show');
      return {
        action: 'profile.published',
        next: { slug: current.slug ?? slug ?? randomSlug(), fields: chosen, published: true, publishedAt: current.publishedAt ?? at },
      };
    });
  }

  async setFields(actor: Actor, input: PublicProfileFieldsInput): Promise<PublicProfileSettings> {
    this.policy.assertRole(actor, 'profile.manage');
    const companyId = parseId('input.companyId', input.companyId);
    const fields = parseProfileFields('input.fields', input.fields, { atLeastOne: false });
    const company = await this.company(actor, 'profile.manage', 'input.companyId', companyId);
    return this.change(actor, company, (current) => {
      if (current.published && fields.length === 0) {
        throw new BadInputError('input.fields', 'A published profile must show at least one item; to show nothing, unpublish it');
      }
      return { action: 'profile.fields.changed', next: { slug: current.slug, fields, published: current.published, publishedAt: current.publishedAt } };
    });
  }

  async unpublish(actor: Actor, companyIdInput: string): Promise<PublicProfileSettings> {
    this.policy.assertRole(actor, 'profile.manage');
    const company = await this.company(actor, 'profile.manage', 'companyId', companyIdInput);
    return this.change(actor, company, (current) => ({
      action: 'profile.unpublished',
      next: { slug: current.slug, fields: current.fields, published: false, publishedAt: null },
    }));
  }

  /** Validates the id, loads the company and asks the policy; NOT_FOUND for an id that names none. */
  private async company(actor: Actor, operation: Operation, field: string, idInput: string): Promise<Company> {
    this.policy.assertRole(actor, operation);
    const company = await this.companies.findById(this.dataSource.manager, parseId(field, idInput));
    if (!company) throw new NotFoundError('No such company');
    this.policy.assert(actor, operation, { companyId: company.id, consortiumId: company.consortiumId });
    return company;
  }

  /** One change of a profile, under its row lock, audited when it changes anything; evicts the page after commit. */
  private async change(
    actor: Actor,
    company: Company,
    decide: (
      current: PublicProfileSettings,
      at: Date,
    ) => { action: string; next: { slug: string | null; fields: readonly PublicProfileField[]; published: boolean; publishedAt: Date | null } },
  ): Promise<PublicProfileSettings> {
    const at = this.clock.now();
    const { saved, evict } = await this.dataSource.transaction(async (tx) => {
      const current = await this.profiles.lockForChange(tx, company.id, actor.id, at);
      const { action, next } = decide(current, at);
      const unchanged =
        next.slug === current.slug &&
        next.published === current.published &&
        next.fields.length === current.fields.length &&
        next.fields.every((f, i) => f === current.fields[i]);
      if (unchanged) return { saved: current, evict: null };
      const saved = await this.profiles.save(tx, company.id, next, actor.id, at);
      await this.audit.append(
        tx,
        [
          {
            action,
            actorId: actor.id,
            consortiumId: company.consortiumId,
            companyId: company.id,
            details: { slug: saved.slug, fields: saved.fields, published: saved.published },
          },
        ],
        at,
      );
      return { saved, evict: saved.slug };
    });
    if (evict) this.pages.evict(evict);
    return saved;
  }
}
