import { describe, expect, it } from '@jest/globals';
import { soundStatement, weakStatement } from '../testing/company.fixture';
import { RATIO_DEFINITIONS, financialRatios } from './financial-ratios';

describe('financial ratios from the statement fields', () => {
  it('computes the data set ratios of a statement by their documented formulas', () => {
    const r = financialRatios({ ...soundStatement(), interestExpense: 10_000_000, inventory: 100_000_000 }, 1_000_000_000);
    expect(r.Attr1).toBeCloseTo(0.09, 10); // 90 / 1000
    expect(r.Attr2).toBeCloseTo(0.45, 10); // 450 / 1000
    expect(r.Attr3).toBeCloseTo(0.25, 10); // (550 - 300) / 1000
    expect(r.Attr4).toBeCloseTo(550 / 300, 10);
    expect(r.Attr18).toBeCloseTo(0.12, 10); // (130 - 10) / 1000: the data set's gross profit is profit before tax
    expect(r.Attr20).toBeCloseTo((100 * 365) / 1200, 10); // inventory days
    expect(r.Attr21).toBeCloseTo(1.2, 10); // 1200 / 1000
    expect(r.Attr46).toBeCloseTo((550 - 100) / 300, 10);
    expect(r.Attr58).toBeCloseTo((1200 - 120) / 1200, 10);
  });

  it('tells "not filed" (undefined) from "undefined ratio" (null)', () => {
    const r = financialRatios({ ...soundStatement(), revenue: 0, inventory: 0 });
    expect(r.Attr5).toBeUndefined(); // cash, receivables, opex and depreciation were not filed
    expect(r.Attr60).toBeNull(); // no revenue over no inventory: 0/0 has no limit
  });

  it('takes a non-zero amount over a verified zero that cannot be negative to its limit, by the sign of the amount', () => {
    const noInventory = financialRatios({ ...soundStatement(), inventory: 0 });
    expect(noInventory.Attr60).toBe(Infinity); // revenue / inventory
    expect(noInventory.Attr20).toBe(0); // inventory x 365 / revenue: a true zero
    const noRevenue = financialRatios({ ...weakStatement(), revenue: 0 });
    expect(noRevenue.Attr23).toBe(-Infinity); // a loss over no revenue
    expect(noRevenue.Attr31).toBe(-Infinity);
    expect(noRevenue.Attr62).toBe(Infinity); // current liabilities x 365 / revenue
    expect(noRevenue.Attr9).toBe(0);
    const noLiabilities = financialRatios({ ...soundStatement(), totalLiabilities: 0, currentLiabilities: 0, equity: 1_000_000_000 });
    expect(noLiabilities.Attr4).toBe(Infinity); // current ratio
    expect(noLiabilities.ALTMAN_Z2).toBe(Infinity); // X4 = equity / total liabilities
    // (cash + receivables - CL) / (opex - depreciation): that denominator can be negative, so no one-sided limit
    const signed = financialRatios({ ...soundStatement(), cash: 1, receivables: 1, operatingExpenses: 5, depreciation: 5 });
    expect(signed.Attr5).toBeNull();
  });

  it('defines every ratio it computes, with a direction', () => {
    const r = financialRatios(soundStatement());
    expect(Object.keys(r).sort()).toEqual(RATIO_DEFINITIONS.map((d) => d.name).sort());
  });
});
