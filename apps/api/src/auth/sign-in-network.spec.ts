import { describe, expect, it } from '@jest/globals';
import { signInNetwork } from './sign-in-network';

describe('signInNetwork', () => {
  it('counts an IPv4 address as it is, also when a dual-stack socket writes it as IPv6', () => {
    expect(signInNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(signInNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(signInNetwork('127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    expect(signInNetwork('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(signInNetwork('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(signInNetwork('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(signInNetwork('::1')).toBe('::/64');
    expect(signInNetwork('fe80::1%eth0')).toBe('fe80::/64');
  });

  it('keeps what is no address as given', () => {
    expect(signInNetwork('')).toBe('');
    expect(signInNetwork('not an address')).toBe('not an address');
  });
});
