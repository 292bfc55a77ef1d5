import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { chinaCalendarDay, Clock, isProfileSlug } from '@app/domain';
import { PublicProfileRepository } from '@app/persistence';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { REDIS } from '@api/health/redis.provider';
import { renderBadge } from './badge.renderer';
import { PROFILE_PAGE_CSP, profileUrl, renderProfilePage } from './profile-page.renderer';
import { PublicPageCache } from './public-page.cache';
import { publicProfileView } from './public-profile.view';
import { PublicRateLimiter } from './public-rate-limiter';

export type PublicPageKind = 'page' | 'badge';

/** An HTTP answer of the public pages, written out as is by the controller. */
export interface PublicAnswer {
  readonly status: 200 | 304 | 404 | 429;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface Rendered {
  readonly body: string;
  readonly etag: string;
}

interface RenderedProfile {
  readonly page: Rendered;
  readonly badge: Rendered;
}

const rendered = (body: string): Rendered => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  // the "cacheable for a minute": browsers and proxies may keep a page that long
  'cache-control': 'public, max-age=60',
  'content-security-policy': PROFILE_PAGE_CSP,
  'x-frame-options': 'DENY',
} as const;

const BADGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-type': 'image/svg+xml; charset=utf-8',
  // short, so a badge on a website follows a grade change within half a minute
  'cache-control': 'public, max-age=30',
  'content-security-policy': "default-src 'none'",
  // other websites show the badge
  'cross-origin-resource-policy': 'cross-origin',
} as const;

/** The same answer for an unknown slug and an unpublished profile: nothing of any company. */
const NOT_FOUND: PublicAnswer = {
  status: 404,
  headers: { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" },
  body: `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>未找到 Not found</title></head>
<body><h1>未找到 <span lang="en">Not found</span></h1><p>没有这个信用档案。<span lang="en">There is no credit profile here.</span></p></body></html>
`,
};

/**
 * The public profile pages and badges: rate-limited per address, cached briefly per
 * process, rendered from one query. No login, no cookies, nothing personal.
 */
@Injectable()
export class PublicPagesService {
  private readonly cache: PublicPageCache<RenderedProfile>;
  private readonly limiter: PublicRateLimiter;

  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: PublicProfileRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) redis: IORedis,
    private readonly clock: Clock,
  ) {
    const settings = config.publicProfiles;
    this.cache = new PublicPageCache(settings.cacheMs);
    this.limiter = new PublicRateLimiter(redis, config.queuePrefix, settings.rateLimit, settings.rateWindowSeconds);
  }

  async answer(kind: PublicPageKind, slug: string, ip: string, ifNoneMatch: string | undefined): Promise<PublicAnswer> {
    const rate = await this.limiter.take(ip);
    if (!rate.allowed) {
      return {
        status: 429,
        headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'retry-after': String(rate.retryAfterSeconds) },
        body: `请求过于频繁，请 ${rate.retryAfterSeconds} 秒后再试。\nToo many requests from your address; retry in ${rate.retryAfterSeconds} seconds.\n`,
      };
    }
    if (!isProfileSlug(slug)) return NOT_FOUND;
    const profile = await this.cache.get(slug, () => this.render(slug));
    if (!profile) return NOT_FOUND;
    const { body, etag } = profile[kind];
    const headers = { ...(kind === 'page' ? PAGE_HEADERS : BADGE_HEADERS), etag };
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      return { status: 304, headers, body: '' };
    }
    return { status: 200, headers, body };
  }

  /** Forgets a slug's page in this process: a change of its settings shows at once. */
  evict(slug: string): void {
    this.cache.evict(slug);
  }

  private async render(slug: string): Promise<RenderedProfile | null> {
    const today = chinaCalendarDay(this.clock.now());
    const source = await this.profiles.publishedSource(this.dataSource.manager, slug, today);
    if (!source) return null;
    const view = publicProfileView(source, source.fields, today);
    const baseUrl = this.config.publicProfiles.baseUrl;
    return { page: rendered(renderProfilePage(view, baseUrl)), badge: rendered(renderBadge(view, profileUrl(baseUrl, slug))) };
  }
}
