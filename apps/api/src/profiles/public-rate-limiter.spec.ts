import { describe, expect, it } from '@jest/globals';
import { addressKey } from './public-rate-limiter';
import { PublicPageCache } from './public-page.cache';

describe('counting addresses', () => {
  it('counts IPv4 as is and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the page cache', () => {
  it('loads once per key within its time, shares a load in flight, and forgets on eviction', async () => {
    let clock = 0;
    let loads = 0;
    const cache = new PublicPageCache<string>(1_000, 2, () => clock);
    const load = async () => `v${(loads += 1)}`;
    const [a, b] = await Promise.all([cache.get('x', load), cache.get('x', load)]);
    expect([a, b, loads]).toEqual(['v1', 'v1', 1]);
    clock = 999;
    expect(await cache.get('x', load)).toBe('v1');
    clock = 1_000;
    expect(await cache.get('x', load)).toBe('v2');
    cache.evict('x');
    expect(await cache.get('x', load)).toBe('v3');
  });

  it('stays within its size and does not keep failures', async () => {
    const cache = new PublicPageCache<string>(60_000, 2);
    await cache.get('a', async () => 'a');
    await cache.get('b', async () => 'b');
    await cache.get('c', async () => 'c');
    expect(cache.size).toBe(2);
    await expect(cache.get('d', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('d', async () => 'back')).toBe('back');
  });

  it('does not cache with a time of 0', async () => {
    let loads = 0;
    const cache = new PublicPageCache<number>(0);
    await cache.get('x', async () => (loads += 1));
    await cache.get('x', async () => (loads += 1));
    expect(loads).toBe(2);
  });
});
