import type { FinancialStatement } from '@app/domain/scoring';
import { altmanZ2 } from './altman-z';

/**
 * The ratios of the financial-strength model: those of the 64 in the Polish bankruptcy data
 * (UCI 365, shared/data/bankruptcy/README.md) that the platform's statement fields allow,
 * plus Altman's Z''. Each has its data-set column, its formula from the statement fields,
 * and its direction (+1: higher is safer, -1: higher is riskier), which the fitted shape
 * is constrained to follow so that a better statement never lowers the factor.
 *
 * The data set's "gross profit" is the Polish zysk brutto, profit before tax (Attr7 = Attr14
 * = Attr18 whenever interest is nil), so here it is ebit - interestExpense; its "profit on
 * sales" is revenue less operating costs (the comparative layout), and its "profit on
 * operating activities" is operatingProfit.
 *
 * Left out, and why: Attr11 (extraordinary items are not filed), Attr14 (= Attr7 here),
 * Attr15 and Attr41 (profit in the denominator: not monotone; Attr16 and Attr26 carry the
 * same information the right way up), Attr24 (three years of profit), Attr29 and Attr55
 * (absolute size in an undocumented unit and currency), Attr36 (= Attr9), Attr52 (= Attr32
 * here), Attr57 (a denominator that changes sign), Attr59 (equity in the denominator).
 */

/**
 * A ratio's value: a number (±Infinity: a non-zero amount over a verified zero that cannot be
 * negative, the limit as that denominator shrinks to 0); null when undefined (0/0, or a zero
 * denominator that could have either sign); undefined when an optional field it needs was not filed.
 */
export type RatioValue = number | null | undefined;

export interface RatioDefinition {
  /** the model's feature name: the data set's column, or ALTMAN_Z2 */
  readonly name: string;
  readonly label: string;
  /** +1: higher is safer; -1: higher is riskier */
  readonly direction: 1 | -1;
  /** the fields of FinancialStatement it needs beyond the nine every statement has */
  readonly optionalFields: readonly (keyof FinancialStatement)[];
}

const def = (
  name: string,
  direction: 1 | -1,
  label: string,
  optionalFields: readonly (keyof FinancialStatement)[] = [],
): RatioDefinition => ({ name, direction, label, optionalFields });

export const RATIO_DEFINITIONS: readonly RatioDefinition[] = [
  def('Attr1', 1, 'net income / total assets'),
  def('Attr2', -1, 'total liabilities / total assets'),
  def('Attr3', 1, 'working capital / total assets'),
  def('Attr4', 1, 'current assets / current liabilities'),
  def('Attr5', 1, '(cash + receivables - current liabilities) / (operating expenses - depreciation) x 365', [
    'cash',
    'receivables',
    'operatingExpenses',
    'depreciation',
  ]),
  def('Attr6', 1, 'retained earnings / total assets'),
  def('Attr7', 1, 'EBIT / total assets'),
  def('Attr8', 1, 'equity / total liabilities'),
  def('Attr9', 1, 'revenue / total assets'),
  def('Attr10', 1, 'equity / total assets'),
  def('Attr12', 1, '(EBIT - interest) / current liabilities', ['interestExpense']),
  def('Attr13', 1, '(EBIT - interest + depreciation) / revenue', ['interestExpense', 'depreciation']),
  def('Attr16', 1, '(EBIT - interest + depreciation) / total liabilities', ['interestExpense', 'depreciation']),
  def('Attr17', 1, 'total assets / total liabilities'),
  def('Attr18', 1, '(EBIT - interest) / total assets', ['interestExpense']),
  def('Attr19', 1, '(EBIT - interest) / revenue', ['interestExpense']),
  def('Attr20', -1, 'inventory x 365 / revenue', ['inventory']),
  def('Attr21', 1, 'revenue / prior-year revenue', ['priorYearRevenue']),
  def('Attr22', 1, 'operating profit / total assets', ['operatingProfit']),
  def('Attr23', 1, 'net income / revenue'),
  def('Attr25', 1, '(equity - share capital) / total assets', ['shareCapital']),
  def('Attr26', 1, '(net income + depreciation) / total liabilities', ['depreciation']),
  def('Attr27', 1, 'operating profit / interest expense', ['operatingProfit', 'interestExpense']),
  def('Attr28', 1, 'working capital / fixed assets', ['fixedAssets']),
  def('Attr30', -1, '(total liabilities - cash) / revenue', ['cash']),
  def('Attr31', 1, 'EBIT / revenue'),
  def('Attr32', -1, 'current liabilities x 365 / cost of sales', ['costOfSales']),
  def('Attr33', 1, 'operating expenses / current liabilities', ['operatingExpenses']),
  def('Attr34', 1, 'operating expenses / total liabilities', ['operatingExpenses']),
  def('Attr35', 1, '(revenue - operating expenses) / total assets', ['operatingExpenses']),
  def('Attr37', 1, '(current assets - inventory) / long-term liabilities', ['inventory', 'longTermLiabilities']),
  def('Attr38', 1, '(equity + long-term liabilities) / total assets', ['longTermLiabilities']),
  def('Attr39', 1, '(revenue - operating expenses) / revenue', ['operatingExpenses']),
  def('Attr40', 1, '(current assets - inventory - receivables) / current liabilities', ['inventory', 'receivables']),
  def('Attr42', 1, 'operating profit / revenue', ['operatingProfit']),
  def('Attr43', -1, 'receivables x 365 / revenue + inventory x 365 / cost of sales', ['receivables', 'inventory', 'costOfSales']),
  def('Attr44', -1, 'receivables x 365 / revenue', ['receivables']),
  def('Attr45', 1, 'net income / inventory', ['inventory']),
  def('Attr46', 1, '(current assets - inventory) / current liabilities', ['inventory']),
  def('Attr47', -1, 'inventory x 365 / cost of sales', ['inventory', 'costOfSales']),
  def('Attr48', 1, '(operating profit - depreciation) / total assets', ['operatingProfit', 'depreciation']),
  def('Attr49', 1, '(operating profit - depreciation) / revenue', ['operatingProfit', 'depreciation']),
  def('Attr50', 1, 'current assets / total liabilities'),
  def('Attr51', -1, 'current liabilities / total assets'),
  def('Attr53', 1, 'equity / fixed assets', ['fixedAssets']),
  def('Attr54', 1, '(equity + long-term liabilities) / fixed assets', ['fixedAssets', 'longTermLiabilities']),
  def('Attr56', 1, '(revenue - cost of sales) / revenue', ['costOfSales']),
  def('Attr58', -1, '(revenue - (EBIT - interest)) / revenue: total costs over sales', ['interestExpense']),
  def('Attr60', 1, 'revenue / inventory', ['inventory']),
  def('Attr61', 1, 'revenue / receivables', ['receivables']),
  def('Attr62', -1, 'current liabilities x 365 / revenue'),
  def('Attr63', 1, 'revenue / current liabilities'),
  def('Attr64', 1, 'revenue / fixed assets', ['fixedAssets']),
  def('ALTMAN_Z2', 1, "Altman's Z'' = 6.56 Attr3 + 3.26 Attr6 + 6.72 Attr7 + 1.05 Attr8"),
];

/**
 * The ratios that move when a statement's profit moves (net income, EBIT, operating profit,
 * retained earnings): the fitted model is monotone along each of them in pairwise terms too,
 * so that higher profit, all else equal, never raises the model's PD. Pairwise terms are
 * free along the ratios that neither profit nor leverage (LEVERAGE_LINKED_RATIOS) moves.
 */
export const PROFIT_LINKED_RATIOS: ReadonlySet<string> = new Set([
  'Attr1', 'Attr6', 'Attr7', 'Attr12', 'Attr13', 'Attr16', 'Attr18', 'Attr19', 'Attr22', 'Attr23', 'Attr26', 'Attr27',
  'Attr31', 'Attr42', 'Attr45', 'Attr48', 'Attr49', 'Attr58', 'ALTMAN_Z2',
]);

/**
 * The ratios that move when a statement's liabilities or equity move (total liabilities,
 * long-term liabilities, equity): the fitted model is monotone along each of them in pairwise
 * terms too, so that debt in place of equity, all else equal, never lowers the model's PD
 * (with profit measures over liabilities positive: a loss over more liabilities is a smaller
 * ratio of loss). Equity + long-term liabilities (Attr38, Attr54) does not move with that swap
 * but does with either alone.
 */
export const LEVERAGE_LINKED_RATIOS: ReadonlySet<string> = new Set([
  'Attr2', 'Attr8', 'Attr10', 'Attr16', 'Attr17', 'Attr25', 'Attr26', 'Attr30', 'Attr34', 'Attr37', 'Attr38', 'Attr50',
  'Attr53', 'Attr54', 'ALTMAN_Z2',
]);

/**
 * a / b where b cannot be negative (revenue, liabilities, assets, inventory, interest, cost of
 * sales: the fields the record validation keeps >= 0). At b = 0 the ratio takes its limit as b
 * shrinks to 0: ±Infinity by the sign of a, which the model's shapes winsorise into the end
 * bin on that side, so the factor is continuous there (a loss on no revenue scores as a loss
 * on 1 fen of revenue, not as the average firm); 0/0 has no limit and stays undefined (null).
 */
const div = (a: number | undefined, b: number | undefined): RatioValue => {
  if (a === undefined || b === undefined) return undefined;
  if (b === 0) return a === 0 ? null : a > 0 ? Infinity : -Infinity;
  return a / b;
};
/** a / b where b may have either sign: at b = 0 there is no one-sided limit, so the ratio is undefined (null). */
const divSigned = (a: number | undefined, b: number | undefined): RatioValue => {
  if (a === undefined || b === undefined) return undefined;
  if (b === 0) return null;
  return a / b;
};
const sub = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a - b;
const add = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a + b;
const times = (a: RatioValue, k: number): RatioValue => (a === undefined || a === null ? a : a * k);

/**
 * Every ratio of RATIO_DEFINITIONS from one statement (amounts in fen; ratios do not care
 * about the unit). `priorRevenue` is the revenue of the year before, from that year's
 * statement or the statement's own `priorYearRevenue`.
 */
export function financialRatios(s: FinancialStatement, priorRevenue?: number): Readonly<Record<string, RatioValue>> {
  const ta = s.totalAssets;
  const tl = s.totalLiabilities;
  const cl = s.currentLiabilities;
  const wc = s.currentAssets - s.currentLiabilities;
  const preTax = sub(s.ebit, s.interestExpense);
  const profitOnSales = sub(s.revenue, s.operatingExpenses);
  const prior = priorRevenue ?? s.priorYearRevenue;
  const r: Record<string, RatioValue> = {
    Attr1: div(s.netIncome, ta),
    Attr2: div(tl, ta),
    Attr3: div(wc, ta),
    Attr4: div(s.currentAssets, cl),
    Attr5: times(divSigned(sub(add(s.cash, s.receivables), cl), sub(s.operatingExpenses, s.depreciation)), 365),
    Attr6: div(s.retainedEarnings, ta),
    Attr7: div(s.ebit, ta),
    Attr8: div(s.equity, tl),
    Attr9: div(s.revenue, ta),
    Attr10: div(s.equity, ta),
    Attr12: div(preTax, cl),
    Attr13: div(add(preTax, s.depreciation), s.revenue),
    Attr16: div(add(preTax, s.depreciation), tl),
    Attr17: div(ta, tl),
    Attr18: div(preTax, ta),
    Attr19: div(preTax, s.revenue),
    Attr20: times(div(s.inventory, s.revenue), 365),
    Attr21: div(s.revenue, prior),
    Attr22: div(s.operatingProfit, ta),
    Attr23: div(s.netIncome, s.revenue),
    Attr25: div(sub(s.equity, s.shareCapital), ta),
    Attr26: div(add(s.netIncome, s.depreciation), tl),
    Attr27: div(s.operatingProfit, s.interestExpense),
    Attr28: div(wc, s.fixedAssets),
    Attr30: div(sub(tl, s.cash), s.revenue),
    Attr31: div(s.ebit, s.revenue),
    Attr32: times(div(cl, s.costOfSales), 365),
    Attr33: div(s.operatingExpenses, cl),
    Attr34: div(s.operatingExpenses, tl),
    Attr35: div(profitOnSales, ta),
    Attr37: div(sub(s.currentAssets, s.inventory), s.longTermLiabilities),
    Attr38: div(add(s.equity, s.longTermLiabilities), ta),
    Attr39: div(profitOnSales, s.revenue),
    Attr40: div(sub(sub(s.currentAssets, s.inventory), s.receivables), cl),
    Attr42: div(s.operatingProfit, s.revenue),
    Attr43: sumOrMissing(times(div(s.receivables, s.revenue), 365), times(div(s.inventory, s.costOfSales), 365)),
    Attr44: times(div(s.receivables, s.revenue), 365),
    Attr45: div(s.netIncome, s.inventory),
    Attr46: div(sub(s.currentAssets, s.inventory), cl),
    Attr47: times(div(s.inventory, s.costOfSales), 365),
    Attr48: div(sub(s.operatingProfit, s.depreciation), ta),
    Attr49: div(sub(s.operatingProfit, s.depreciation), s.revenue),
    Attr50: div(s.currentAssets, tl),
    Attr51: div(cl, ta),
    Attr53: div(s.equity, s.fixedAssets),
    Attr54: div(add(s.equity, s.longTermLiabilities), s.fixedAssets),
    Attr56: div(sub(s.revenue, s.costOfSales), s.revenue),
    Attr58: div(sub(s.revenue, preTax), s.revenue),
    Attr60: div(s.revenue, s.inventory),
    Attr61: div(s.revenue, s.receivables),
    Attr62: times(div(cl, s.revenue), 365),
    Attr63: div(s.revenue, cl),
    Attr64: div(s.revenue, s.fixedAssets),
  };
  r.ALTMAN_Z2 = altmanZ2FromRatios(r.Attr3, r.Attr6, r.Attr7, r.Attr8);
  return r;
}

function sumOrMissing(a: RatioValue, b: RatioValue): RatioValue {
  if (a === undefined || b === undefined) return undefined;
  if (a === null || b === null) return null;
  return a + b;
}

/** Z'' from its four ratios (data set columns Attr3, Attr6, Attr7, Attr8); missing if any is. */
export function altmanZ2FromRatios(x1: RatioValue, x2: RatioValue, x3: RatioValue, x4: RatioValue): RatioValue {
  if (x1 === undefined || x2 === undefined || x3 === undefined || x4 === undefined) return undefined;
  if (x1 === null || x2 === null || x3 === null || x4 === null) return null;
  return altmanZ2(x1, x2, x3, x4);
}
