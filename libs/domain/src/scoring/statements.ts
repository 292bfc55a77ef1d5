/**
 * Which financial statements count at a date, for the rating (the financial strength factor)
 * and for the consortium's standing (each member's equity and size) alike: one whose fiscal
 * year (a calendar year) has ended, and at most STATEMENT_MAX_AGE_YEARS old.
 */
export const STATEMENT_MAX_AGE_YEARS = 2;

/** The fiscal years whose statements count at `asOf` (YYYY-MM-DD), first and last. */
export function usableFiscalYears(asOf: string): { readonly from: number; readonly to: number } {
  const year = Number(asOf.slice(0, 4));
  return { from: year - STATEMENT_MAX_AGE_YEARS, to: year - 1 };
}
