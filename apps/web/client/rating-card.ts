import { facts, h } from './dom.js';
import { dateTime, FACTOR_LABEL, fixed, gradeTone, label, percent } from './format.js';
import type { Rating } from './operations.js';

export function gradeBadge(grade: string | null | undefined, size: 'large' | 'small' = 'small'): HTMLElement {
  return h('span', { class: `grade grade-${gradeTone(grade)} grade-${size}` }, grade ?? '未评级');
}

/** A 0..100 bar; the figure is always written beside it. Widths go through the CSSOM (CSP allows no style attributes). */
export function bar(value: number): HTMLElement {
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${Math.max(0, Math.min(100, value))}%`;
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

/** A rating: grade, score, PD, the guarantee-backed rating, the reasons and the factors. */
export function ratingCard(rating: Rating | null): HTMLElement {
  if (!rating) {
    return h('p', { class: 'muted' }, '尚未评级：评级在首条记录核实后由系统计算 (not rated yet)');
  }
  const backed = rating.backed;
  return h(
    'div',
    { class: 'rating' },
    h(
      'div',
      { class: 'rating-head' },
      h('div', { class: 'rating-grade' }, h('span', { class: 'caption' }, '信用等级'), gradeBadge(rating.grade, 'large')),
      h('div', { class: 'rating-score' }, h('span', { class: 'caption' }, '信用分 (300–900)'), h('span', { class: 'big-number', 'data-testid': 'score' }, String(rating.score))),
      h('div', { class: 'rating-pd' }, h('span', { class: 'caption' }, '一年违约概率 PD'), h('span', { class: 'big-number' }, percent(rating.pd))),
    ),
    facts([
      [
        '联盟担保后评级 Backed',
        backed ? h('span', {}, gradeBadge(backed.grade), ` PD ${percent(backed.pd)}，提升 ${backed.notchesUplift} 级`) : '无担保支持 (no cover)',
      ],
      ['已核实记录 Verified records', String(rating.verifiedRecords)],
      ['计算时间 Computed at', h('time', { datetime: rating.computedAt }, dateTime(rating.computedAt))],
      ['模型版本 Model', rating.modelVersion],
    ]),
    h('h3', {}, '主要扣分原因', h('span', { class: 'en' }, 'Reasons')),
    rating.reasons.length === 0
      ? h('p', { class: 'muted' }, '无 (none)')
      : h(
          'ol',
          { class: 'reasons' },
          ...rating.reasons.map((r) =>
            h('li', {}, h('span', {}, r.descriptionZh || r.description), h('span', { class: 'en' }, r.description), h('code', { class: 'code' }, r.code)),
          ),
        ),
    h('h3', {}, '因子得分', h('span', { class: 'en' }, 'Factors (0–100, weight)')),
    h(
      'ul',
      { class: 'factors' },
      ...rating.factors.map((f) =>
        h(
          'li',
          {},
          h('span', { class: 'factor-name' }, label(FACTOR_LABEL, f.name)),
          bar(f.score),
          h('span', { class: 'factor-value' }, `${fixed(f.score, 0)} 分 · 权重 ${percent(f.weight)}`),
        ),
      ),
    ),
  );
}
