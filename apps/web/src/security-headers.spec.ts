import { describe, expect, it } from '@jest/globals';
import { cacheControlFor, CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers';

describe('console security headers', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('runs only its own scripts: no inline script, no eval, no other origin', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it('may not be framed, and writes no HTML strings into the page', () => {
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('require-trusted-types-for')).toEqual(["'script'"]);
    expect(SECURITY_HEADERS['x-frame-options']).toBe('DENY');
    expect(SECURITY_HEADERS['x-content-type-options']).toBe('nosniff');
    expect(SECURITY_HEADERS['referrer-policy']).toBe('no-referrer');
  });

  it('caches content-addressed assets for a year and revalidates the rest', () => {
    expect(cacheControlFor('/assets/3f9a0c/js/main.js', 200)).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('/assets/3f9a0c/js/main.js', 304)).toBe('public, max-age=31536000, immutable');
    // a missing asset is not kept: the next build's file may be asked of an old instance
    expect(cacheControlFor('/assets/3f9a0c/js/main.js', 404)).toBe('no-store');
    expect(cacheControlFor('/assets/', 403)).toBe('no-store');
    expect(cacheControlFor('/', 200)).toBe('no-cache');
    expect(cacheControlFor('/index.html', 200)).toBe('no-cache');
    expect(cacheControlFor('/graphql', 200)).toBe('no-store');
    expect(cacheControlFor('/health/live', 200)).toBe('no-store');
  });
});
