import type { FinancialModel } from './financial-model';
import shipped from './financial-model-v1.json';

/** The model `npm run model:fit` wrote; every rating records its version. */
export const SHIPPED_FINANCIAL_MODEL: FinancialModel = shipped as unknown as FinancialModel;
