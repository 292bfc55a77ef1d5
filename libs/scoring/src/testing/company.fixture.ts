import type { FinancialStatement, ScoringInput, TradeExperience } from '@app/domain/scoring';

/** Test data builders for the specs and benchmarks (not used by the engine). */
export const emptyInput = (companyId = 'c1'): ScoringInput => ({
  companyId,
  tradeExperiences: [],
  loans: [],
  obligationPayments: [],
  taxCreditGrades: [],
  publicRecords: [],
  financialStatements: [],
  softSignals: [],
  counterparties: [],
  guaranteesGiven: [],
});

export const trade = (
  id: string,
  amount: number,
  dueDate: string,
  paidDate: string | null,
  invoiceDate = '2025-01-01',
  creditorId = 's1',
): TradeExperience => ({ id, creditorId, amount, invoiceDate, dueDate, paidDate });

/** A sound small manufacturer (amounts in fen): 12 million yuan revenue, modest debt. */
export const soundStatement = (fiscalYear = 2025): FinancialStatement => ({
  id: `fs-${fiscalYear}`,
  fiscalYear,
  revenue: 1_200_000_000,
  netIncome: 90_000_000,
  ebit: 130_000_000,
  totalAssets: 1_000_000_000,
  currentAssets: 550_000_000,
  totalLiabilities: 450_000_000,
  currentLiabilities: 300_000_000,
  retainedEarnings: 300_000_000,
  equity: 550_000_000,
});

/** A weak one: losses, thin equity, short of working capital. */
export const weakStatement = (fiscalYear = 2025): FinancialStatement => ({
  id: `fs-weak-${fiscalYear}`,
  fiscalYear,
  revenue: 800_000_000,
  netIncome: -60_000_000,
  ebit: -40_000_000,
  totalAssets: 1_000_000_000,
  currentAssets: 300_000_000,
  totalLiabilities: 920_000_000,
  currentLiabilities: 600_000_000,
  retainedEarnings: -150_000_000,
  equity: 80_000_000,
});

/** A company with a full file: on-time trade, statements, obligations, clean record. */
export function fullInput(companyId = 'c1'): ScoringInput {
  const trades: TradeExperience[] = [];
  for (let m = 1; m <= 12; m += 1) {
    const mm = String(m).padStart(2, '0');
    trades.push(trade(`t${m}`, 1_000_000, `2025-${mm}-15`, `2025-${mm}-15`, `2025-${mm}-01`, `s${m % 3}`));
  }
  return {
    ...emptyInput(companyId),
    tradeExperiences: trades,
    financialStatements: [soundStatement(2025)],
    obligationPayments: [1, 2, 3, 4, 5, 6].map((m) => ({
      id: `o${m}`,
      kind: 'TAX' as const,
      amount: 500_000,
      dueDate: `2025-0${m}-15`,
      paidDate: `2025-0${m}-10`,
    })),
    taxCreditGrades: [{ year: 2025, grade: 'A', publishedOn: '2026-04-15' }],
    counterparties: [
      { counterpartyId: 'b1', role: 'BUYER', tradeVolume: 30_000_000, pd: 0.01 },
      { counterpartyId: 'b2', role: 'BUYER', tradeVolume: 20_000_000, pd: 0.02 },
      { counterpartyId: 's1', role: 'SUPPLIER', tradeVolume: 10_000_000, pd: 0.005 },
    ],
  };
}

/** The worked example of docs/scoring.md. */
export function workedExample(): ScoringInput {
  return {
    ...emptyInput('worked'),
    tradeExperiences: [
      trade('a', 1_000_000, '2025-03-15', '2025-03-15', '2025-02-15'),
      trade('b', 1_000_000, '2025-04-15', '2025-05-15', '2025-03-15'),
      trade('c', 2_000_000, '2025-05-15', '2025-05-30', '2025-04-15'),
    ],
    taxCreditGrades: [{ year: 2025, grade: 'B', publishedOn: '2026-04-15' }],
    publicRecords: [{ id: 'j', kind: 'JUDGMENT', eventDate: '2023-01-10', endedOn: '2024-06-30', amount: 5_000_000 }],
  };
}
