import fc from 'fast-check';
import { isNonPublicHost, isPublicAddress } from './public-address';

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses inside a block the platform's own network or the cloud could answer on */
const privateV4 = fc.oneof(
  fc.tuple(fc.constant(10), octet, octet, octet),
  fc.tuple(fc.constant(127), octet, octet, octet),
  fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
  fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
  fc.tuple(fc.constant(0), octet, octet, octet),
);
const hex = (a: number, b: number): string => ((a << 8) | b).toString(16);

describe('isPublicAddress / isNonPublicHost', () => {
  it('refuses a private IPv4 address in every notation a URL can carry', () => {
    fc.assert(
      fc.property(privateV4, ([a, b, c, d]) => {
        const dotted = `${a}.${b}.${c}.${d}`;
        for (const host of [dotted, `[::ffff:${dotted}]`, `[::ffff:${hex(a, b)}:${hex(c, d)}]`, `[::${hex(a, b)}:${hex(c, d)}]`, `[64:ff9b::${dotted}]`]) {
          expect(isNonPublicHost(host)).toBe(true);
        }
        expect(isPublicAddress(dotted)).toBe(false);
      }),
    );
  });

  it.each(['[::]', '[::1]', '[fe80::1]', '[fd12::1]', '[ff02::1]', '[2002:7f00:1::]', '255.255.255.255', '224.0.0.1', '192.0.2.10'])('refuses %s', (host) => {
    expect(isNonPublicHost(host)).toBe(true);
  });

  it.each(['localhost', 'LOCALHOST.', 'api.localhost', 'redis', 'postgres', 'hooks.internal', 'printer.local', 'router.home.arpa'])('refuses the local name %s', (host) => {
    expect(isNonPublicHost(host)).toBe(true);
  });

  it.each(['hooks.bank.example', '93.184.216.34', '[2606:4700:4700::1111]', 'xn--fiqs8s.example'])('accepts the public host %s', (host) => {
    expect(isNonPublicHost(host)).toBe(false);
  });

  it('is not fooled by the brackets an address comes in', () => {
    expect(isPublicAddress('[2606:4700:4700::1111]')).toBe(true);
    expect(isPublicAddress('[::1]')).toBe(false);
    expect(isPublicAddress('not an address')).toBe(false);
  });
});
