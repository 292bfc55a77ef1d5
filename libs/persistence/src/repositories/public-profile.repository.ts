import {
  ConflictError,
  type PublicCredential,
  type PublicProfileField,
  type PublicProfileSettings,
  type PublicProfileSource,
} from '@app/domain';
import type { Db } from '../database';
import { isPgError, PgCode } from './pg-errors';
import { returnedRows } from './query-result';

interface SettingsRow {
  company_id: string;
  slug: string | null;
  fields: PublicProfileField[];
  published: boolean;
  published_at: Date | null;
  updated_at: Date | null;
}

const toSettings = (r: SettingsRow): PublicProfileSettings => ({
  companyId: r.company_id,
  slug: r.slug,
  fields: r.fields,
  published: r.published,
  publishedAt: r.published_at,
  updatedAt: r.updated_at,
});

const SETTINGS_COLUMNS = 'company_id, slug, fields, published, published_at, updated_at';

interface SourceRow {
  company_id: string;
  slug: string | null;
  published: boolean;
  fields: PublicProfileField[];
  name: string;
  credit_code: string;
  joined_on: string;
  consortium_name: string;
  region: string;
  industry: string;
  grade: string | null;
  computed_at: Date | null;
  credentials: (PublicCredential & { kind: 'CERTIFICATION' | 'COMMUNITY_WORK' })[] | null;
}

/**
 * One statement for everything a page can show: the company, its consortium, its current
 * grade (the latest rating row, by the company index) and its verified credentials.
 * `$1` is the slug or the company id, `$2` today's date. A credential shows only while it
 * is the current version, VERIFIED (so neither pending, disputed nor rejected), not expired
 * and still valid; the owner's credit band and reputation are never read.
 */
function sourceSql(where: string): string {
  return `
    SELECT c.id AS company_id, p.slug, coalesce(p.published, false) AS published, coalesce(p.fields, '{}') AS fields,
           c.name, c.credit_code, to_char(c.joined_on, 'YYYY-MM-DD') AS joined_on,
           n.name AS consortium_name, n.region, n.industry, r.grade, r.computed_at, s.credentials
    FROM companies c
    JOIN consortia n ON n.id = c.consortium_id
    LEFT JOIN public_profiles p ON p.company_id = c.id
    LEFT JOIN LATERAL (SELECT grade, computed_at FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object(
               'kind', x.signal_kind, 'title', x.reference,
               'recordedOn', to_char(x.recorded_on, 'YYYY-MM-DD'), 'validUntil', to_char(x.valid_until, 'YYYY-MM-DD'),
               'evidenceName', x.evidence_name, 'evidenceSha256', encode(x.evidence_sha256, 'hex'))
             ORDER BY x.recorded_on DESC, x.reference) AS credentials
      FROM soft_signals x
      WHERE x.subject_id = c.id AND x.is_current AND x.status = 'VERIFIED'
        AND x.signal_kind IN ('CERTIFICATION', 'COMMUNITY_WORK')
        AND x.counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC')
        AND (x.expires_on IS NULL OR x.expires_on > $2::date)
        AND (x.valid_until IS NULL OR x.valid_until >= $2::date)
    ) s ON true
    WHERE ${where}`;
}

const BY_SLUG = sourceSql('p.slug = $1 AND p.published');
const BY_COMPANY = sourceSql('c.id = $1');

const toSource = (r: SourceRow): PublicProfileSource => {
  const credentials = r.credentials ?? [];
  const pick = (kind: 'CERTIFICATION' | 'COMMUNITY_WORK'): PublicCredential[] =>
    credentials
      .filter((c) => c.kind === kind)
      .map((c) => ({ title: c.title, recordedOn: c.recordedOn, validUntil: c.validUntil, evidenceName: c.evidenceName, evidenceSha256: c.evidenceSha256 }));
  return {
    companyId: r.company_id,
    slug: r.slug,
    published: r.published,
    fields: r.fields,
    name: r.name,
    creditCode: r.credit_code,
    consortium: { name: r.consortium_name, region: r.region, industry: r.industry },
    joinedOn: r.joined_on,
    grade: r.grade,
    gradeComputedAt: r.computed_at,
    certifications: pick('CERTIFICATION'),
    communityWork: pick('COMMUNITY_WORK'),
  };
};

/** Public profile settings, and what a profile page is made from. */
export class PublicProfileRepository {
  async find(db: Db, companyId: string): Promise<PublicProfileSettings | null> {
    const rows: SettingsRow[] = await db.query(`SELECT ${SETTINGS_COLUMNS} FROM public_profiles WHERE company_id = $1`, [companyId]);
    return rows[0] ? toSettings(rows[0]) : null;
  }

  /** The company's settings row, locked for a change; created (unpublished, no slug) when missing. */
  async lockForChange(db: Db, companyId: string, actorId: string, at: Date): Promise<PublicProfileSettings> {
    await db.query(
      `INSERT INTO public_profiles (company_id, updated_by, updated_at, created_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (company_id) DO NOTHING`,
      [companyId, actorId, at],
    );
    const rows: SettingsRow[] = await db.query(`SELECT ${SETTINGS_COLUMNS} FROM public_profiles WHERE company_id = $1 FOR UPDATE`, [companyId]);
    return toSettings(rows[0]);
  }

  /**
   * Writes the new state of a locked profile. A slug another company holds is a CONFLICT
   * naming `slugField`.
   */
  async save(
    db: Db,
    companyId: string,
    change: { slug: string | null; fields: readonly PublicProfileField[]; published: boolean; publishedAt: Date | null },
    actorId: string,
    at: Date,
    slugField = 'input.slug',
  ): Promise<PublicProfileSettings> {
    try {
      const rows = returnedRows<SettingsRow>(
        await db.query(
          `UPDATE public_profiles SET slug = $2, fields = $3::text[], published = $4, published_at = $5, updated_by = $6, updated_at = $7
           WHERE company_id = $1 RETURNING ${SETTINGS_COLUMNS}`,
          [companyId, change.slug, change.fields, change.published, change.publishedAt, actorId, at],
        ),
      );
      return toSettings(rows[0]);
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) {
        throw new ConflictError(`The address /p/${change.slug} is taken by another company; choose another slug`, { field: slugField });
      }
      throw error;
    }
  }

  /** What the public page of a published slug is made from; null for an unknown or unpublished slug. */
  async publishedSource(db: Db, slug: string, today: string): Promise<PublicProfileSource | null> {
    // a named statement: planned once per pooled connection, this is the pages' hot path
    const rows = (await db.query({ name: 'public_profile_by_slug', text: BY_SLUG } as unknown as string, [slug, today])) as SourceRow[];
    return rows[0] ? toSource(rows[0]) : null;
  }

  /** The same for a company whatever its settings (the owner's preview); null for no such company. */
  async companySource(db: Db, companyId: string, today: string): Promise<PublicProfileSource | null> {
    const rows: SourceRow[] = await db.query(BY_COMPANY, [companyId, today]);
    return rows[0] ? toSource(rows[0]) : null;
  }
}
