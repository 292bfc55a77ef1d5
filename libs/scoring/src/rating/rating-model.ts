import type { RatingModelSpec } from '@app/domain/scoring';
import { SUB_SCORE_SCALE } from '../common/sub-score-scale';
import { SHIPPED_CORE_FINANCIAL_MODEL, SHIPPED_FINANCIAL_MODEL } from '../financial/shipped-financial-model';

/**
 * The default combination (docs/scoring.md, "From factors to a PD"): expert weights, payment
 * behaviour first (it is the platform's strongest, counterparty-confirmed evidence); the
 * intercept and slope of the common sub-score scale. A consortium's own history can propose
 * others (governance/refit.ts); a coordinator activates them.
 */
export const DEFAULT_RATING_MODEL: RatingModelSpec = {
  version: `rating-1.0.0+${SHIPPED_FINANCIAL_MODEL.version}+${SHIPPED_CORE_FINANCIAL_MODEL.version}`,
  intercept: SUB_SCORE_SCALE.intercept,
  slope: SUB_SCORE_SCALE.slope,
  weights: {
    PAYMENT_BEHAVIOUR: 0.3,
    FINANCIAL_STRENGTH: 0.25,
    OBLIGATIONS: 0.15,
    PUBLIC_RECORD: 0.15,
    SOFT_INFORMATION: 0.05,
    NETWORK: 0.1,
  },
  softInformationCap: 0.1,
  // Basel II corporate PD floor 0.03 % (credit-anchors §5.5)
  pdFloor: 0.0003,
};

/**
 * Factors whose absence says something (a firm that shows no payments, accounts or tax
 * records is riskier than one that does): a missing one takes the NEUTRAL_SUB_SCORE. The
 * others (soft information, network) are supplementary: a missing one is re-weighted away.
 */
export const CORE_FACTORS = ['PAYMENT_BEHAVIOUR', 'FINANCIAL_STRENGTH', 'OBLIGATIONS', 'PUBLIC_RECORD'] as const;
/** The neutral bin: PD 3.7 % on the common scale, between the BB and B of an average SME. */
export const NEUTRAL_SUB_SCORE = 50;
