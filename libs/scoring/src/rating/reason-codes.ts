import type { ReasonCode } from '@app/domain/scoring';

/** Each stable reason code's sentence, in English and Chinese. Codes never change once released. */
export const REASON_TEXT: Readonly<Record<ReasonCode, { readonly en: string; readonly zh: string }>> = {
  THIN_FILE: {
    en: 'Too few verified payment experiences (at least 3 in 24 months are needed).',
    zh: '经核实的付款记录不足（24个月内至少需要3条）。',
  },
  PAYMENT_DELAYS: { en: 'Suppliers are paid later than agreed terms.', zh: '向供应商付款晚于约定账期。' },
  PAYMENT_TREND_WORSENING: {
    en: 'Payments in the last 3 months were later than in the 9 months before.',
    zh: '近3个月的付款比之前9个月更迟。',
  },
  SEVERE_DELINQUENCY: { en: 'At least one payment was 90 or more days late.', zh: '至少有一笔付款逾期90天以上。' },
  LOAN_ARREARS: { en: 'Bank loan instalments were paid more than 30 days late.', zh: '银行贷款还款逾期超过30天。' },
  NO_FINANCIAL_STATEMENT: {
    en: 'No verified financial statement for the last two fiscal years.',
    zh: '最近两个会计年度没有经核实的财务报表。',
  },
  HIGH_LEVERAGE: { en: 'Debt is high relative to assets and equity.', zh: '负债相对资产和所有者权益偏高。' },
  LOW_PROFITABILITY: { en: 'Profits are low relative to assets and sales.', zh: '利润相对资产和销售额偏低。' },
  WEAK_LIQUIDITY: {
    en: 'Current assets cover short-term liabilities poorly.',
    zh: '流动资产对短期负债的覆盖不足。',
  },
  FINANCIAL_DISTRESS: {
    en: "The statements are in Altman's Z'' distress zone (below 1.10).",
    zh: '财务报表处于Altman Z″评分的困境区（低于1.10）。',
  },
  NO_OBLIGATION_RECORDS: {
    en: 'No verified tax, social insurance or utility payments and no tax credit grade.',
    zh: '没有经核实的税费、社保或水电缴费记录，也没有纳税信用等级。',
  },
  TAX_ARREARS: { en: 'Taxes were paid late or are unpaid.', zh: '税款逾期缴纳或尚未缴纳。' },
  SOCIAL_INSURANCE_ARREARS: {
    en: 'Social insurance contributions were paid late or are unpaid.',
    zh: '社会保险费逾期缴纳或尚未缴纳。',
  },
  UTILITY_ARREARS: { en: 'Utility bills were paid late or are unpaid.', zh: '水电气费用逾期缴纳或尚未缴纳。' },
  RENT_ARREARS: { en: 'Rent was paid late or is unpaid.', zh: '租金逾期支付或尚未支付。' },
  LOW_TAX_CREDIT_GRADE: { en: 'The tax credit grade is below A.', zh: '纳税信用等级低于A级。' },
  PUBLIC_JUDGMENT: { en: 'A court judgment against the company is on record.', zh: '存在针对企业的法院判决记录。' },
  ENFORCEMENT: { en: 'A court enforcement case is on record.', zh: '存在法院强制执行记录。' },
  DISHONEST_DEBTOR: {
    en: 'The company is or was on the list of dishonest judgment debtors.',
    zh: '企业被列入或曾被列入失信被执行人名单。',
  },
  ADMINISTRATIVE_PENALTY: { en: 'An administrative penalty is on record.', zh: '存在行政处罚记录。' },
  LIMITED_SOFT_INFORMATION: {
    en: 'Little verified soft information (certifications, reputation, community work).',
    zh: '经核实的软信息（认证、口碑、社区贡献）较少。',
  },
  OWNER_CREDIT_WEAK: { en: "The owner's personal credit band is weak.", zh: '企业主个人信用等级较弱。' },
  WEAK_COUNTERPARTIES: { en: 'Main trading partners carry high credit risk.', zh: '主要交易对手信用风险较高。' },
  BUYER_CONCENTRATION: { en: 'Sales depend heavily on one buyer.', zh: '销售收入高度依赖单一客户。' },
  GUARANTEE_EXPOSURE: {
    en: "Guarantees given for others' debts are large relative to equity.",
    zh: '对外担保金额相对所有者权益偏大。',
  },
  NO_NETWORK_DATA: { en: 'No trade with rated members on record.', zh: '没有与已评级成员的交易记录。' },
  IN_DEFAULT: { en: 'The company is in default on a bank loan.', zh: '企业的银行贷款已违约。' },
};
