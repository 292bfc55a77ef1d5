/**
 * Microbenchmark: the stand-alone rating of one company with 2,000 verified records
 * (1,400 trade experiences, 24 loan instalments, 400 obligation payments, 3 statements,
 * public records, soft signals, counterparties, guarantees). Target: under 1 ms of CPU each.
 * Run: node -r @swc-node/register bench/scoring.bench.ts
 */
import { cpuUsage, hrtime } from 'node:process';
import type { ScoringInput, TradeExperience } from '@app/domain/scoring';
import { rateCompany } from '@app/scoring';
import { addDays } from '@app/scoring/common/calendar-date';
import { soundStatement } from '@app/scoring/testing/company.fixture';

const AS_OF = '2026-06-30';

function company(seed: number): ScoringInput {
  let s = seed >>> 0;
  const rand = (): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const trades: TradeExperience[] = [];
  for (let i = 0; i < 1400; i += 1) {
    const due = addDays(AS_OF, -Math.floor(rand() * 740) + 20);
    const late = rand() < 0.1 ? null : Math.floor(rand() * 60) - 10;
    trades.push({
      id: `t${i}`,
      creditorId: `s${i % 40}`,
      amount: 10_000 + Math.floor(rand() * 5_000_000),
      invoiceDate: addDays(due, -30),
      dueDate: due,
      paidDate: late === null ? null : addDays(due, late),
    });
  }
  return {
    companyId: `c${seed}`,
    tradeExperiences: trades,
    loans: [
      {
        id: 'L1',
        principal: 100_000_000,
        outstanding: 60_000_000,
        startDate: '2024-07-01',
        repayments: Array.from({ length: 24 }, (_, m) => ({
          dueDate: addDays('2024-07-15', 30 * m),
          amount: 4_000_000,
          paidDate: addDays('2024-07-15', 30 * m + (m % 5 === 0 ? 12 : 0)),
        })),
        defaultedOn: null,
        curedOn: null,
      },
    ],
    obligationPayments: Array.from({ length: 400 }, (_, i) => ({
      id: `o${i}`,
      kind: (['TAX', 'SOCIAL_INSURANCE', 'UTILITY', 'RENT'] as const)[i % 4],
      amount: 100_000 + i,
      dueDate: addDays(AS_OF, -(i * 1.8) | 0),
      paidDate: addDays(AS_OF, -(i * 1.8) | 0),
    })),
    taxCreditGrades: [{ year: 2025, grade: 'B', publishedOn: '2026-04-15' }],
    publicRecords: Array.from({ length: 90 }, (_, i) => ({
      id: `p${i}`,
      kind: 'ADMINISTRATIVE_PENALTY' as const,
      eventDate: addDays('2015-01-01', i * 30),
      endedOn: addDays('2015-02-01', i * 30),
      amount: 10_000,
    })),
    financialStatements: [soundStatement(2023), soundStatement(2024), { ...soundStatement(2025), priorYearRevenue: 1_100_000_000 }],
    softSignals: Array.from({ length: 50 }, (_, i) => ({
      id: `s${i}`,
      kind: 'CERTIFICATION' as const,
      recordedOn: '2025-01-01',
      validUntil: null,
      value: 1,
    })),
    counterparties: Array.from({ length: 40 }, (_, i) => ({
      counterpartyId: `k${i}`,
      role: i % 2 === 0 ? ('BUYER' as const) : ('SUPPLIER' as const),
      tradeVolume: 1_000_000 * (i + 1),
      pd: 0.005 + i / 2000,
    })),
    guaranteesGiven: Array.from({ length: 33 }, (_, i) => ({
      id: `g${i}`,
      borrowerId: `k${i}`,
      amount: 1_000_000,
      startDate: '2025-01-01',
      endDate: null,
    })),
  };
}

const inputs = Array.from({ length: 20 }, (_, i) => company(i + 1));
const records = (i: ScoringInput) =>
  i.tradeExperiences.length +
  i.loans.reduce((s, l) => s + 1 + l.repayments.length, 0) +
  i.obligationPayments.length +
  i.taxCreditGrades.length +
  i.publicRecords.length +
  i.financialStatements.length +
  i.softSignals.length +
  i.guaranteesGiven.length;

let sink = 0;
for (let w = 0; w < 200; w += 1) sink += rateCompany(inputs[w % inputs.length], AS_OF).score; // warm-up
const runs = 2000;
const cpu0 = cpuUsage();
const t0 = hrtime.bigint();
for (let r = 0; r < runs; r += 1) sink += rateCompany(inputs[r % inputs.length], AS_OF).score;
const wallMs = Number(hrtime.bigint() - t0) / 1e6;
const cpu = cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify({
    bench: 'rateCompany',
    recordsPerCompany: records(inputs[0]),
    runs,
    cpuMsPerRating: Number((cpuMs / runs).toFixed(4)),
    wallMsPerRating: Number((wallMs / runs).toFixed(4)),
    targetCpuMs: 1,
    sink: sink % 7,
  }),
);
