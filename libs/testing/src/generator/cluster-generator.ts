import {
  addDays,
  assessNegative,
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
  daysBetween,
  DISPUTE_DEADLINE_DAYS,
  type Evidence,
  fenToDecimal,
  negativeCountsFrom,
  type PublicRecordKind,
  type RecordKind,
  type RecordPayloads,
  type ReporterRole,
  type SoftSignalKind,
  type TaxCreditGrade,
  toCalendarDate,
} from '@app/domain';
import {
  AuditLogRepository,
  BankRepository,
  CompanyRepository,
  ConsortiumRepository,
  CreditRecordRepository,
  type Db,
  DisputeRepository,
  type NewVersion,
} from '@app/persistence';
import type { DataSource } from 'typeorm';
import { Random } from './random';

/** A member's latent quality: how it pays, what its statements show (most are sound). */
export type Quality = 'SOUND' | 'DRIFTING' | 'FAILING';

export interface GeneratedCompany {
  readonly id: string;
  readonly creditCode: string;
  readonly name: string;
  readonly industry: string;
  /** yearly revenue, yuan */
  readonly revenue: number;
  readonly quality: Quality;
  /** 0 upstream (materials) .. 3 finished shoes; logistics is 4 */
  readonly tier: number;
}

export interface ClusterOptions {
  /** the same seed gives the same cluster (default 20260101) */
  readonly seed?: number;
  /** members to create (default 60) */
  readonly members?: number;
  /** companies already registered in the consortium, to fill with records too */
  readonly existing?: readonly { readonly id: string; readonly creditCode: string; readonly name: string }[];
  /** an existing consortium; otherwise one is created */
  readonly consortiumId?: string;
  readonly consortiumName?: string;
  /** the bank of the loan records; otherwise one is created */
  readonly bankId?: string;
  /** the day the history ends (default today, UTC) */
  readonly asOf?: string;
  /** years of trade history (default 2) */
  readonly years?: number;
  /** invoices a buyer receives a year from all its suppliers together (default 24) */
  readonly invoicesPerBuyerPerYear?: number;
  /** false: only the members, no records (for import benchmarks) */
  readonly records?: boolean;
  /** open disputes on some members' records (default true) */
  readonly disputes?: boolean;
  /** rows per INSERT statement (default 20,000) */
  readonly batchSize?: number;
}

export interface GeneratedCluster {
  readonly consortiumId: string;
  readonly bankId: string | null;
  readonly companies: readonly GeneratedCompany[];
  readonly counts: Readonly<Partial<Record<RecordKind, number>>>;
  readonly disputes: number;
}

const INDUSTRIES: readonly { readonly word: string; readonly tier: number; readonly share: number }[] = [
  { word: '皮革制品', tier: 0, share: 0.1 },
  { word: '胶粘剂', tier: 0, share: 0.05 },
  { word: '五金配件', tier: 0, share: 0.07 },
  { word: '包装材料', tier: 0, share: 0.06 },
  { word: '鞋楦制造', tier: 1, share: 0.05 },
  { word: '鞋材', tier: 1, share: 0.15 },
  { word: '鞋底', tier: 2, share: 0.12 },
  { word: '鞋业', tier: 3, share: 0.35 },
  { word: '鞋服物流', tier: 4, share: 0.05 },
];
const DISTRICTS: readonly (readonly [string, string])[] = [
  ['温州市鹿城区', '330302'],
  ['温州市龙湾区', '330303'],
  ['温州市瓯海区', '330304'],
  ['瑞安市', '330381'],
  ['乐清市', '330382'],
  ['永嘉县', '330324'],
];
const BRANDS = '红蜻蜓 东方 鸿盛 永嘉 瑞丰 金鹰 华泰 新时代 宏达 双龙 立信 雅格 天成 明珠 富源 恒达 正泰 大华 嘉和 兴隆 鼎盛 瓯江 海通 百合 长城 奥康 康泰 新光 联创 顺发'.split(' ');
const COURTS: readonly (readonly [string, string])[] = [
  ['温州市鹿城区人民法院', '浙0302'],
  ['温州市龙湾区人民法院', '浙0303'],
  ['温州市瓯海区人民法院', '浙0304'],
  ['瑞安市人民法院', '浙0381'],
];

const DAY_MS = 86_400_000;
const at = (date: string, hour = 10): Date => new Date(Date.parse(`${date}T00:00:00Z`) + hour * 3_600_000);
const money = (yuan: number): string => fenToDecimal(BigInt(Math.max(1, Math.round(yuan * 100))));
const signedMoney = (yuan: number): string => fenToDecimal(BigInt(Math.round(yuan * 100)));
const monthStart = (date: string, monthsBack: number): string => {
  const [y, m] = date.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - monthsBack, 1));
  return toCalendarDate(d);
};

type Version<K extends RecordKind> = Omit<NewVersion<K>, 'kind'>;

/** Where generated rows go: PostgreSQL (the default), or a collector (to compare two runs). */
export interface ClusterSink {
  companies(consortiumId: string, companies: readonly GeneratedCompany[], joinedOn: string): Promise<void>;
  /** files one batch of versions, sealed by one audit entry */
  versions<K extends RecordKind>(kind: K, batchId: string, versions: readonly Version<K>[]): Promise<number>;
}

/** Writes set-based: companies and versions by unnest, each batch with its 'records.seeded' audit entry. */
export class DatabaseSink implements ClusterSink {
  private readonly records = new CreditRecordRepository();
  private readonly audit = new AuditLogRepository();
  private readonly companyRows = new CompanyRepository();

  constructor(private readonly dataSource: DataSource) {}

  async companies(consortiumId: string, companies: readonly GeneratedCompany[], joinedOn: string): Promise<void> {
    for (let i = 0; i < companies.length; i += 5_000) {
      const slice = companies.slice(i, i + 5_000).map((c) => ({ id: c.id, creditCode: c.creditCode, name: c.name, joinedOn }));
      await this.companyRows.insertMany(this.dataSource.manager, consortiumId, slice);
    }
  }

  versions<K extends RecordKind>(kind: K, batchId: string, versions: readonly Version<K>[]): Promise<number> {
    return this.dataSource.transaction(async (tx: Db) => {
      const { count, digest } = await this.records.appendBulk(tx, kind, batchId, versions);
      // seeding runs under no Clock: its entry is stamped with the time it is written
      await this.audit.append(
        tx,
        [{ action: 'records.seeded', actorId: null, details: { importId: batchId, kind, versions: count, versionsDigest: digest, changesDigest: null } }],
        new Date(),
      );
      return count;
    });
  }
}

/**
 * The demo and benchmark data: a footwear cluster in Wenzhou. Members have industries along
 * the supply chain and heavy-tailed sizes; trade flows downstream inside the cluster; most
 * members pay on time, some drift late, a few fail (late, then unpaid, in default, with
 * judgments); yearly statements, taxes and social insurance, loans, mutual guarantees and
 * soft signals agree with each member's quality; some buyers dispute. Deterministic for a
 * seed. Written set-based (multi-row INSERTs over unnest), in batches, so it scales to
 * 100,000 companies and 10,000,000 records; each batch of versions is covered by one
 * 'records.seeded' audit entry, so the ledger check passes on generated data.
 */
export class ClusterGenerator {
  private readonly records = new CreditRecordRepository();
  private readonly audit = new AuditLogRepository();
  private readonly pending = new Map<RecordKind, Version<RecordKind>[]>();
  private readonly counts: Partial<Record<RecordKind, number>> = {};
  /** what the trade history left for disputes: each struggling buyer's latest verified invoice */
  private readonly lastInvoice = new Map<string, { creditorId: string; invoiceNo: string }>();
  private readonly batchRand: Random;

  constructor(
    private readonly dataSource: DataSource | null,
    private readonly options: ClusterOptions = {},
    private readonly sink: ClusterSink = new DatabaseSink(dataSource as DataSource),
  ) {
    this.batchRand = new Random((options.seed ?? 20260101) ^ 0x5eed);
  }

  async generate(): Promise<GeneratedCluster> {
    const o = this.options;
    const rand = new Random(o.seed ?? 20260101);
    const asOf = o.asOf ?? toCalendarDate(new Date());
    const db = this.dataSource?.manager;
    const consortiumId =
      o.consortiumId ??
      (db
        ? (await new ConsortiumRepository().insert(db, { name: o.consortiumName ?? `温州鞋业产业集群 ${rand.uuid().slice(0, 8)}`, region: '浙江省温州市', industry: '鞋业' })).id
        : rand.uuid());
    const companies = this.makeCompanies(rand, o.members ?? 60, o.existing ?? []);
    const existing = new Set((o.existing ?? []).map((e) => e.id));
    await this.sink.companies(
      consortiumId,
      companies.filter((c) => !existing.has(c.id)),
      addDays(asOf, -365 * ((o.years ?? 2) + 1)),
    );
    if (o.records === false) return { consortiumId, bankId: null, companies, counts: {}, disputes: 0 };

    const bankId = o.bankId ?? (db ? (await new BankRepository().insert(db, { name: `瓯江农村商业银行 ${rand.uuid().slice(0, 8)}` })).id : rand.uuid());
    const ctx = { rand, asOf, consortiumId, bankId, years: o.years ?? 2 };
    const suppliersOf = this.tradeNetwork(rand, companies);
    for (const buyer of companies) {
      await this.trade(ctx, buyer, suppliersOf.get(buyer.id) ?? []);
      this.statements(ctx, buyer);
      this.obligations(ctx, buyer);
      this.publicRecords(ctx, buyer);
      this.loan(ctx, buyer);
      this.softSignals(ctx, buyer);
      this.guarantee(ctx, buyer, suppliersOf.get(buyer.id) ?? []);
      await this.flush(false);
    }
    await this.flush(true);
    const disputes = o.disputes === false || !this.dataSource ? 0 : await this.disputes(ctx, companies);
    return { consortiumId, bankId, companies, counts: { ...this.counts }, disputes };
  }

  private makeCompanies(rand: Random, count: number, existing: NonNullable<ClusterOptions['existing']>): GeneratedCompany[] {
    const codes = new Set<string>(existing.map((e) => e.creditCode));
    const industryOf = (): (typeof INDUSTRIES)[number] => {
      let x = rand.next();
      for (const industry of INDUSTRIES) {
        x -= industry.share;
        if (x < 0) return industry;
      }
      return INDUSTRIES[INDUSTRIES.length - 1];
    };
    const quality = (): Quality => {
      const x = rand.next();
      return x < 0.72 ? 'SOUND' : x < 0.92 ? 'DRIFTING' : 'FAILING';
    };
    const out: GeneratedCompany[] = existing.map((e) => {
      const industry = INDUSTRIES.find((i) => e.name.includes(i.word.slice(0, 2))) ?? industryOf();
      return { id: e.id, creditCode: e.creditCode, name: e.name, industry: industry.word, tier: industry.tier, revenue: Math.round(rand.lognormal(16.5, 0.9)), quality: quality() };
    });
    for (let i = 0; i < count; i += 1) {
      const [district, region] = rand.pick(DISTRICTS);
      const industry = industryOf();
      let code: string;
      do {
        let org = '';
        for (let k = 0; k < 9; k += 1) org += CREDIT_CODE_ALPHABET[rand.int(0, CREDIT_CODE_ALPHABET.length - 1)];
        const body = `91${region}${org}`;
        code = body + creditCodeCheckChar(body);
      } while (codes.has(code));
      codes.add(code);
      const suffix = industry.tier === 0 && rand.chance(0.3) ? '厂' : '有限公司';
      const name = `${district}${rand.pick(BRANDS)}${industry.word}${suffix}${count > 500 ? `（${i + 1}）` : ''}`;
      out.push({
        id: rand.uuid(),
        creditCode: code,
        name,
        industry: industry.word,
        tier: industry.tier,
        // heavy-tailed: a median of about 15 million yuan a year, a few near a billion
        revenue: Math.round(rand.lognormal(16.5, 0.9)),
        quality: quality(),
      });
    }
    return out;
  }

  /** Each member buys from a few members one tier up (logistics serves everyone), the large more often. */
  private tradeNetwork(rand: Random, companies: readonly GeneratedCompany[]): Map<string, GeneratedCompany[]> {
    const byTier = new Map<number, GeneratedCompany[]>();
    for (const c of companies) {
      const tier = byTier.get(c.tier);
      if (tier) tier.push(c);
      else byTier.set(c.tier, [c]);
    }
    // each tier's suppliers, built once (a cluster of 100,000 members has tiers of tens of thousands)
    const pools = new Map<number, readonly GeneratedCompany[]>();
    for (let tier = 0; tier <= 4; tier += 1) {
      const upstream = tier === 4 ? [] : [...(byTier.get(tier - 1) ?? []), ...(byTier.get(4) ?? [])];
      pools.set(tier, upstream.length > 0 ? upstream : companies.filter((c) => c.tier <= tier));
    }
    const network = new Map<string, GeneratedCompany[]>();
    for (const buyer of companies) {
      const pool = pools.get(buyer.tier) ?? companies;
      const wanted = Math.min(pool.length - 1, rand.int(2, 6));
      const chosen = new Map<string, GeneratedCompany>();
      for (let tries = 0; chosen.size < wanted && tries < wanted * 10; tries += 1) {
        // size-biased choice: the larger of two draws
        const a = rand.pick(pool);
        const b = rand.pick(pool);
        const s = a.revenue >= b.revenue ? a : b;
        if (s.id !== buyer.id) chosen.set(s.id, s);
      }
      network.set(buyer.id, [...chosen.values()]);
    }
    return network;
  }

  private push<K extends RecordKind>(kind: K, v: Version<K>): void {
    const list = this.pending.get(kind) ?? [];
    list.push(v as Version<RecordKind>);
    this.pending.set(kind, list);
  }

  private version<K extends RecordKind>(
    kind: K,
    c: { consortiumId: string; subjectId: string; reporterCompanyId?: string | null; reporterBankId?: string | null; reporterRole: ReporterRole; filedOn: string },
    payload: RecordPayloads[K],
    status: 'PENDING' | 'VERIFIED' = 'VERIFIED',
    evidence: Evidence | null = null,
  ): void {
    const negative = assessNegative(kind, payload, c.filedOn);
    const createdAt = at(c.filedOn);
    this.push(kind, {
      consortiumId: c.consortiumId,
      subjectId: c.subjectId,
      reporterCompanyId: c.reporterCompanyId ?? null,
      reporterBankId: c.reporterBankId ?? null,
      reporterRole: c.reporterRole,
      filedStatus: status,
      payload,
      evidence,
      negative: negative.negative,
      noticeId: null,
      countsFrom: negative.negative ? negativeCountsFrom(createdAt, 7) : createdAt,
      endedOn: negative.endedOn,
      expiresOn: negative.expiresOn,
      filedBy: null,
      createdAt,
    });
  }

  /** How many days beyond terms a member pays, by its quality and how far into the history (t: 0..1). */
  private delay(rand: Random, quality: Quality, t: number): number {
    if (quality === 'SOUND') return Math.max(-15, Math.min(20, Math.round(-2 + 5 * rand.normal())));
    if (quality === 'DRIFTING') return Math.max(-5, Math.round(5 + 35 * t + 8 * rand.normal()));
    return Math.max(0, Math.round(20 + 90 * t + 15 * rand.normal()));
  }

  private async trade(ctx: Ctx, buyer: GeneratedCompany, suppliers: readonly GeneratedCompany[]): Promise<void> {
    if (suppliers.length === 0) return;
    const { rand, asOf } = ctx;
    const perYear = this.options.invoicesPerBuyerPerYear ?? 24;
    const days = 365 * ctx.years;
    const invoices = Math.round((perYear * days) / 365);
    const start = addDays(asOf, -days);
    // purchases are about half of revenue, spread over the invoices
    const typical = (buyer.revenue * 0.5) / Math.max(1, perYear);
    for (let i = 0; i < invoices; i += 1) {
      const supplier = rand.pick(suppliers);
      const invoiceDate = addDays(start, rand.int(0, days - 1));
      const dueDate = addDays(invoiceDate, rand.pick([30, 30, 45, 60, 90]));
      const t = daysBetween(start, invoiceDate) / days;
      const late = this.delay(rand, buyer.quality, t);
      let paidDate: string | null = addDays(dueDate, late);
      if (paidDate < invoiceDate) paidDate = invoiceDate;
      if (buyer.quality === 'FAILING' && daysBetween(invoiceDate, asOf) < 120 && rand.chance(0.6)) paidDate = null;
      if (paidDate !== null && paidDate > asOf) paidDate = null;
      const filedOn = paidDate ?? (dueDate < asOf ? addDays(dueDate, 1) : invoiceDate);
      const recent = daysBetween(invoiceDate, asOf) < 45;
      this.version(
        'TRADE_EXPERIENCE',
        { consortiumId: ctx.consortiumId, subjectId: buyer.id, reporterCompanyId: supplier.id, reporterRole: 'MEMBER', filedOn: filedOn > asOf ? asOf : filedOn },
        {
          side: 'SUPPLIER',
          creditorId: supplier.id,
          invoiceNo: `${supplier.creditCode.slice(8, 14)}-${invoiceDate.replace(/-/g, '')}-${String(i).padStart(4, '0')}`,
          amount: money(typical * rand.lognormal(0, 0.5)),
          invoiceDate,
          dueDate,
          paidDate,
        },
        recent && rand.chance(0.3) ? 'PENDING' : 'VERIFIED',
      );
    }
    // the latest invoice of the history, for a possible dispute (it is VERIFIED unless recent)
    const latest = this.pending.get('TRADE_EXPERIENCE')?.at(-1);
    if (latest && latest.filedStatus === 'VERIFIED') {
      const p = latest.payload as RecordPayloads['TRADE_EXPERIENCE'];
      this.lastInvoice.set(buyer.id, { creditorId: p.creditorId, invoiceNo: p.invoiceNo });
    }
  }

  private statements(ctx: Ctx, c: GeneratedCompany): void {
    const { rand, asOf } = ctx;
    const lastYear = Number(asOf.slice(0, 4)) - 1;
    const profile = {
      SOUND: { net: [0.04, 0.08], ebit: [0.06, 0.11], equity: [0.4, 0.6], current: [0.4, 0.55], cl: [0.5, 0.7], re: [0.5, 0.8] },
      DRIFTING: { net: [0.0, 0.03], ebit: [0.02, 0.05], equity: [0.2, 0.35], current: [0.35, 0.45], cl: [0.7, 0.85], re: [0.2, 0.5] },
      FAILING: { net: [-0.08, -0.01], ebit: [-0.05, 0.01], equity: [0.02, 0.12], current: [0.25, 0.35], cl: [0.85, 0.95], re: [-0.3, 0.1] },
    }[c.quality];
    const r = (range: readonly number[]): number => rand.between(range[0], range[1]);
    for (let k = ctx.years; k >= 1; k -= 1) {
      const fiscalYear = lastYear - (k - 1);
      const filedOn = `${fiscalYear + 1}-04-30`;
      if (filedOn > asOf) continue;
      const revenue = c.revenue * (1 - 0.05 * (k - 1)) * rand.between(0.95, 1.05);
      const totalAssets = revenue * rand.between(0.7, 1.0);
      const equity = totalAssets * r(profile.equity);
      const totalLiabilities = totalAssets - equity;
      const currentAssets = totalAssets * r(profile.current);
      const currentLiabilities = totalLiabilities * r(profile.cl);
      const ebit = revenue * r(profile.ebit);
      const grossProfit = revenue * rand.between(0.15, 0.25);
      const audited = c.quality === 'SOUND' && rand.chance(0.3);
      this.version(
        'FINANCIAL_STATEMENT',
        { consortiumId: ctx.consortiumId, subjectId: c.id, reporterCompanyId: c.id, reporterRole: 'MEMBER', filedOn },
        {
          fiscalYear,
          audited,
          revenue: money(revenue),
          netIncome: signedMoney(revenue * r(profile.net)),
          ebit: signedMoney(ebit),
          totalAssets: money(totalAssets),
          currentAssets: money(currentAssets),
          totalLiabilities: money(totalLiabilities),
          currentLiabilities: money(currentLiabilities),
          retainedEarnings: signedMoney(equity * r(profile.re)),
          equity: signedMoney(equity),
          cash: money(currentAssets * rand.between(0.05, 0.15)),
          receivables: money(currentAssets * rand.between(0.3, 0.4)),
          inventory: money(currentAssets * rand.between(0.25, 0.4)),
          fixedAssets: money((totalAssets - currentAssets) * rand.between(0.7, 0.9)),
          shortTermLiabilities: money(currentLiabilities),
          longTermLiabilities: money(totalLiabilities - currentLiabilities),
          shareCapital: money(Math.abs(equity) * rand.between(0.2, 0.4)),
          grossProfit: signedMoney(grossProfit),
          operatingProfit: signedMoney(ebit * rand.between(0.9, 1.0)),
          depreciation: money(revenue * rand.between(0.02, 0.04)),
          interestExpense: money(totalLiabilities * rand.between(0.04, 0.06)),
          costOfSales: money(revenue - grossProfit),
          operatingExpenses: money(revenue - ebit),
          priorYearRevenue: k === ctx.years ? money(revenue * rand.between(0.9, 1.05)) : null,
        },
        'VERIFIED',
        audited ? { sha256: rand.sha256(), name: `${fiscalYear}年度审计报告.pdf` } : null,
      );
    }
  }

  /** Twelve months of tax and social insurance, from the coordinator's official export; last year's tax credit grade. */
  private obligations(ctx: Ctx, c: GeneratedCompany): void {
    const { rand, asOf } = ctx;
    const base = { consortiumId: ctx.consortiumId, subjectId: c.id, reporterRole: 'COORDINATOR' as const };
    for (let m = 12; m >= 1; m -= 1) {
      const period = monthStart(asOf, m);
      const dueDate = `${monthStart(asOf, m - 1).slice(0, 7)}-15`;
      if (dueDate > asOf) continue;
      for (const [paymentKind, word, share] of [
        ['TAX', '增值税', 0.013],
        ['SOCIAL_INSURANCE', '社会保险费', 0.006],
      ] as const) {
        const late = c.quality === 'SOUND' ? 0 : c.quality === 'DRIFTING' ? (rand.chance(0.3) ? rand.int(5, 40) : 0) : rand.int(10, 90);
        let paidDate: string | null = addDays(dueDate, late - (late === 0 ? rand.int(0, 5) : 0));
        if (paidDate > asOf) paidDate = null;
        this.version(
          'PAYMENT_RECORD',
          { ...base, filedOn: paidDate ?? asOf },
          {
            paymentKind,
            reference: `${period.slice(0, 7)} ${word}`,
            payee: paymentKind === 'TAX' ? '国家税务总局温州市税务局' : '温州市社会保险事业管理中心',
            amount: money(c.revenue * share * rand.between(0.8, 1.2)),
            dueDate,
            paidDate,
          },
        );
      }
    }
    const taxYear = Number(asOf.slice(0, 4)) - (asOf.slice(5) >= '04-20' ? 1 : 2);
    const grades: Readonly<Record<Quality, readonly TaxCreditGrade[]>> = { SOUND: ['A', 'A', 'B'], DRIFTING: ['B', 'M', 'C'], FAILING: ['C', 'D'] };
    this.version('TAX_CREDIT_GRADE', { ...base, filedOn: `${taxYear + 1}-04-20` }, { taxYear, grade: rand.pick(grades[c.quality]), publishedOn: `${taxYear + 1}-04-20` });
  }

  private publicRecords(ctx: Ctx, c: GeneratedCompany): void {
    const { rand, asOf } = ctx;
    const kinds: PublicRecordKind[] = [];
    if (c.quality === 'FAILING') {
      if (rand.chance(0.5)) kinds.push('JUDGMENT');
      if (rand.chance(0.25)) kinds.push('ENFORCEMENT');
      if (rand.chance(0.1)) kinds.push('DISHONEST_DEBTOR');
    } else if (c.quality === 'DRIFTING' && rand.chance(0.08)) {
      kinds.push('ADMINISTRATIVE_PENALTY');
    }
    for (const publicKind of kinds) {
      const eventDate = addDays(asOf, -rand.int(60, 540));
      const endedOn = publicKind === 'ADMINISTRATIVE_PENALTY' || rand.chance(0.4) ? addDays(eventDate, rand.int(20, 50)) : null;
      const [court, prefix] = rand.pick(COURTS);
      const word = { JUDGMENT: '民初', ENFORCEMENT: '执', DISHONEST_DEBTOR: '执', ADMINISTRATIVE_PENALTY: '' }[publicKind];
      this.version(
        'PUBLIC_RECORD',
        { consortiumId: ctx.consortiumId, subjectId: c.id, reporterRole: 'COORDINATOR', filedOn: endedOn && endedOn < asOf ? endedOn : asOf },
        {
          publicKind,
          caseNo:
            publicKind === 'ADMINISTRATIVE_PENALTY'
              ? `温市监处罚〔${eventDate.slice(0, 4)}〕${rand.int(100, 999)}号`
              : `(${eventDate.slice(0, 4)})${prefix}${word}${rand.int(1000, 9999)}号`,
          authority: publicKind === 'ADMINISTRATIVE_PENALTY' ? '温州市市场监督管理局' : court,
          eventDate,
          endedOn: endedOn && endedOn <= asOf ? endedOn : null,
          amount: money(c.revenue * rand.between(0.005, 0.05)),
        },
      );
    }
  }

  private loan(ctx: Ctx, c: GeneratedCompany): void {
    const { rand, asOf } = ctx;
    if (!rand.chance(0.35)) return;
    const months = rand.pick([12, 24, 36]);
    const startDate = addDays(asOf, -rand.int(200, 700));
    const principal = Math.round(c.revenue * rand.between(0.05, 0.2));
    const repayments = [];
    let defaultedOn: string | null = null;
    for (let i = 1; i <= months; i += 1) {
      const dueDate = addDays(startDate, 30 * i);
      if (dueDate > asOf) break;
      const late = c.quality === 'FAILING' ? rand.int(0, 40) + i * 3 : c.quality === 'DRIFTING' ? (rand.chance(0.2) ? rand.int(5, 25) : 0) : 0;
      let paidDate: string | null = addDays(dueDate, late);
      if (paidDate > asOf || (c.quality === 'FAILING' && defaultedOn !== null)) paidDate = null;
      if (c.quality === 'FAILING' && defaultedOn === null && late > 90 && addDays(dueDate, 90) <= asOf) defaultedOn = addDays(dueDate, 90);
      repayments.push({ dueDate, amount: money(principal / months), paidDate });
    }
    const curedOn = defaultedOn && rand.chance(0.2) && addDays(defaultedOn, 60) <= asOf ? addDays(defaultedOn, 60) : null;
    const paid = repayments.filter((r) => r.paidDate !== null).length;
    this.version(
      'LOAN_RECORD',
      { consortiumId: ctx.consortiumId, subjectId: c.id, reporterBankId: ctx.bankId, reporterRole: 'BANK', filedOn: asOf },
      {
        contractNo: `OJ${startDate.replace(/-/g, '')}${c.creditCode.slice(8, 13)}`,
        principal: money(principal),
        outstanding: money(Math.max(0, principal - (principal / months) * paid)),
        startDate,
        maturityDate: addDays(startDate, 30 * months),
        repayments,
        daysPastDue: repayments.some((r) => r.paidDate === null) ? Math.max(0, daysBetween(repayments.find((r) => r.paidDate === null)?.dueDate ?? asOf, asOf)) : 0,
        defaultedOn,
        curedOn,
      },
    );
  }

  private softSignals(ctx: Ctx, c: GeneratedCompany): void {
    const { rand, asOf } = ctx;
    const base = { consortiumId: ctx.consortiumId, subjectId: c.id, reporterCompanyId: c.id, reporterRole: 'MEMBER' as const };
    const add = (signalKind: SoftSignalKind, reference: string, value: number, document: string): void => {
      const recordedOn = addDays(asOf, -rand.int(30, 600));
      this.version(
        'SOFT_SIGNAL',
        { ...base, filedOn: recordedOn },
        { signalKind, reference, value, recordedOn, validUntil: signalKind === 'CERTIFICATION' ? addDays(recordedOn, 3 * 365) : null, ownerConsentId: null },
        'VERIFIED',
        { sha256: rand.sha256(), name: document },
      );
    };
    if (c.quality === 'SOUND' && rand.chance(0.4)) add('CERTIFICATION', 'ISO 9001:2015 质量管理体系认证', 1, 'ISO9001证书.pdf');
    if (rand.chance(0.5)) add('REPUTATION', '客户满意度调查', c.quality === 'SOUND' ? rand.int(4, 5) : c.quality === 'DRIFTING' ? 3 : rand.int(1, 3), '客户评价汇总.pdf');
    if (c.quality !== 'FAILING' && rand.chance(0.15)) add('COMMUNITY_WORK', '鹿城区助学公益项目', 1, '公益证明.pdf');
  }

  /** A mutual guarantee of a trading partner's bank debt, confirmed by the borrower. */
  private guarantee(ctx: Ctx, guarantor: GeneratedCompany, partners: readonly GeneratedCompany[]): void {
    const { rand, asOf } = ctx;
    if (partners.length === 0 || !rand.chance(0.2)) return;
    const borrower = rand.pick(partners);
    const startDate = addDays(asOf, -rand.int(60, 600));
    this.version(
      'GUARANTEE',
      { consortiumId: ctx.consortiumId, subjectId: borrower.id, reporterCompanyId: guarantor.id, reporterRole: 'MEMBER', filedOn: startDate },
      { contractNo: `BZ${startDate.replace(/-/g, '')}${guarantor.creditCode.slice(9, 14)}`, amount: money(borrower.revenue * rand.between(0.02, 0.1)), startDate, endDate: addDays(startDate, 365 * rand.int(1, 3)) },
    );
  }

  private async flush(all: boolean): Promise<void> {
    const size = this.options.batchSize ?? 20_000;
    for (const [kind, list] of this.pending) {
      if (list.length === 0 || (!all && list.length < size)) continue;
      this.pending.set(kind, []);
      for (let i = 0; i < list.length; i += size) {
        const written = await this.sink.versions(kind, this.batchRand.uuid(), list.slice(i, i + size));
        this.counts[kind] = (this.counts[kind] ?? 0) + written;
      }
    }
  }

  /** A few struggling buyers dispute a recent invoice: some disputes are near or past their 20-day deadline. */
  private async disputes(ctx: Ctx, companies: readonly GeneratedCompany[]): Promise<number> {
    const { rand, asOf } = ctx;
    const dataSource = this.dataSource as DataSource;
    const disputes = new DisputeRepository();
    let opened = 0;
    for (const buyer of companies) {
      const invoice = this.lastInvoice.get(buyer.id);
      if (buyer.quality === 'SOUND' || !invoice || !rand.chance(0.15)) continue;
      await dataSource.transaction(async (tx: Db) => {
        const recordId = await this.records.recordIdFor(tx, 'TRADE_EXPERIENCE', {
          side: 'SUPPLIER',
          counterparty_id: invoice.creditorId,
          subject_id: buyer.id,
          invoice_no: invoice.invoiceNo,
        });
        const current = await this.records.findCurrent(tx, recordId, 'TRADE_EXPERIENCE');
        if (!current || current.status !== 'VERIFIED') return;
        const openedAt = at(addDays(asOf, -rand.int(1, 25)), 9);
        // seed data has no users: the subject company stands for the member who disputed
        const by = buyer.id;
        const dispute = await disputes.open(tx, {
          kind: 'TRADE_EXPERIENCE',
          recordId,
          version: current.version,
          consortiumId: ctx.consortiumId,
          subjectId: buyer.id,
          reason: '该发票金额与我方入账记录不符，且已于到期日前付清',
          openedBy: by,
          openedAt,
          deadlineAt: new Date(openedAt.getTime() + DISPUTE_DEADLINE_DAYS * DAY_MS),
        });
        const changeId = await this.records.setStatus(tx, current, 'DISPUTED', { action: 'DISPUTE', actorId: by, at: openedAt, disputeId: dispute.id });
        await this.audit.append(
          tx,
          [
            {
              action: 'record.status',
              actorId: by,
              consortiumId: ctx.consortiumId,
              companyId: buyer.id,
              details: { kind: current.kind, recordId, version: current.version, from: current.status, to: 'DISPUTED', via: 'DISPUTE', changeId },
            },
            { action: 'dispute.opened', actorId: by, consortiumId: ctx.consortiumId, companyId: buyer.id, details: { disputeId: dispute.id, recordId } },
          ],
          openedAt,
        );
        opened += 1;
      });
    }
    return opened;
  }
}

interface Ctx {
  readonly rand: Random;
  readonly asOf: string;
  readonly consortiumId: string;
  readonly bankId: string;
  readonly years: number;
}

/** Generates a cluster (see ClusterGenerator). */
export function generateCluster(dataSource: DataSource, options: ClusterOptions = {}): Promise<GeneratedCluster> {
  return new ClusterGenerator(dataSource, options).generate();
}
