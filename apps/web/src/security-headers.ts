/**
 * The console's response headers. The page runs only its own module scripts: no inline
 * script or style, no eval, nothing from another origin, and (Trusted Types) no HTML
 * strings written into the DOM, so an injected string stays text.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Sent with every answer: pages, assets, GraphQL, errors. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // frame-ancestors above is the rule; X-Frame-Options is for browsers that predate it
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

/** Where the build puts content-addressed files (`/assets/<hash>/...`), safe to cache for a year. */
export const ASSETS_PREFIX = '/assets/';

/**
 * How long a browser may keep an answer. Assets live under a path that changes with their
 * content, so they never change in place; the page itself and everything else is checked
 * each time (ETag), so a deploy shows at the next load; GraphQL answers are never stored.
 * Only a found asset is kept: a 404 under its path (an old instance asked for a new build's
 * file during a rolling deploy) would otherwise stay in caches for a year.
 */
export function cacheControlFor(path: string, status: number): string {
  if (path.startsWith(ASSETS_PREFIX)) return status === 200 || status === 304 ? 'public, max-age=31536000, immutable' : 'no-store';
  if (path === '/graphql' || path.startsWith('/health/')) return 'no-store';
  return 'no-cache';
}
