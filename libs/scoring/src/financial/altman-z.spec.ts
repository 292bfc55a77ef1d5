import { describe, expect, it } from '@jest/globals';
import { soundStatement } from '../testing/company.fixture';
import { altmanZ2, altmanZone } from './altman-z';
import { financialRatios } from './financial-ratios';

describe("Altman's Z'' (Altman 2000)", () => {
  it('scores a known firm by hand', () => {
    // the sound manufacturer of the fixtures (fen): WC 550 - 300 = 250 of 1,000 TA -> X1 0.25;
    // RE 300/1000 -> X2 0.30; EBIT 130/1000 -> X3 0.13; equity 550 / TL 450 -> X4 1.2222.
    // Z'' = 6.56 x 0.25 + 3.26 x 0.30 + 6.72 x 0.13 + 1.05 x 1.2222 = 1.64 + 0.978 + 0.8736 + 1.28333 = 4.77493
    const r = financialRatios(soundStatement());
    expect(r.ALTMAN_Z2).toBeCloseTo(4.774933, 5);
    expect(altmanZone(r.ALTMAN_Z2 as number)).toBe('SAFE');
  });

  it('scores the first firm of the 1year file from its columns', () => {
    // Attr3 0.61637, Attr6 0, Attr7 0.042289, Attr8 1.2442:
    // 6.56 x 0.61637 + 0 + 6.72 x 0.042289 + 1.05 x 1.2442 = 4.0433872 + 0.2841821 + 1.30641 = 5.6339793
    expect(altmanZ2(0.61637, 0, 0.042289, 1.2442)).toBeCloseTo(5.6339793, 6);
  });

  it('has the zones 1.10 and 2.60', () => {
    expect(altmanZone(1.09)).toBe('DISTRESS');
    expect(altmanZone(1.1)).toBe('GREY');
    expect(altmanZone(2.6)).toBe('GREY');
    expect(altmanZone(2.61)).toBe('SAFE');
  });
});
