import { createHash } from 'node:crypto';
import { chinaCalendarDay, type PublicCredential } from '@app/domain';
import { escapeHtml as e } from './html-escape';
import type { PublicProfileView } from './public-profile.view';

/**
 * The public profile page: server-rendered HTML, bilingual (Chinese first), no script, no
 * external resource, readable on a phone. Every value from the database is escaped; the
 * only style is the constant below, allowed by its hash in the Content-Security-Policy.
 */
const CSS = `
:root{color-scheme:light;--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--good:#0b7a3e;--fair:#8a6d00;--weak:#b44d12;--poor:#b3261e}
*{box-sizing:border-box}
body{margin:0;background:#f5f7fa;color:var(--ink);font:16px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;overflow-wrap:anywhere}
main{max-width:42rem;margin:0 auto;padding:1.25rem 1rem 2rem;background:#fff;min-height:100vh}
.brand{margin:0;font-size:.875rem;color:var(--muted)}
h1{margin:.25rem 0 1rem;font-size:1.5rem;line-height:1.3}
h2{font-size:1.05rem;margin:1.5rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
.en{color:var(--muted);font-size:.875em}
dl{margin:0}
dl div{padding:.6rem 0;border-bottom:1px solid var(--line)}
dt{font-size:.875rem;color:var(--muted)}
dd{margin:0}
.grade{display:inline-block;min-width:3.2rem;padding:.1rem .6rem;border-radius:.3rem;color:#fff;font-weight:700;font-size:1.4rem;text-align:center;margin-right:.5rem}
.grade-good{background:var(--good)}.grade-fair{background:var(--fair)}.grade-weak{background:var(--weak)}.grade-poor{background:var(--poor)}
ul{padding-left:1.2rem;margin:.25rem 0}
li{margin:.5rem 0}
code{font-size:.75rem;word-break:break-all;color:var(--muted)}
footer{margin-top:2rem;font-size:.8125rem;color:var(--muted)}
@media (min-width:40rem){main{margin-top:1.5rem;min-height:0;border:1px solid var(--line);border-radius:.5rem;padding:2rem}}
`.trim();

/** The page's Content-Security-Policy: nothing but its own inline style. */
export const PROFILE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export type GradeBand = 'good' | 'fair' | 'weak' | 'poor' | 'none';

/** The colour band of a grade: investment grades good, BBB/BB fair, B/CCC weak, below poor. */
export function gradeBand(grade: string | null): GradeBand {
  if (grade === null) return 'none';
  if (['AAA', 'AA', 'A'].includes(grade)) return 'good';
  if (['BBB', 'BB'].includes(grade)) return 'fair';
  if (['B', 'CCC'].includes(grade)) return 'weak';
  return 'poor';
}

export function profileUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}/p/${encodeURIComponent(slug)}`;
}

const both = (zh: string, en: string): string => `${zh} <span class="en" lang="en">${en}</span>`;

function credentialItem(c: PublicCredential): string {
  const dates = [`${both('登记于', 'recorded')} ${e(c.recordedOn)}`];
  if (c.validUntil) dates.push(`${both('有效期至', 'valid until')} ${e(c.validUntil)}`);
  const evidence =
    c.evidenceName || c.evidenceSha256
      ? `<br>${both('证明文件', 'evidence')}: ${e(c.evidenceName ?? '')}${c.evidenceSha256 ? ` <code>SHA-256 ${e(c.evidenceSha256)}</code>` : ''}`
      : '';
  return `<li><strong>${e(c.title)}</strong><br>${dates.join(' · ')}${evidence}</li>`;
}

function credentialSection(zh: string, en: string, items: readonly PublicCredential[] | null): string {
  if (items === null) return '';
  const body = items.length ? `<ul>${items.map(credentialItem).join('')}</ul>` : `<p>${both('暂无已核实的记录', 'none verified yet')}</p>`;
  return `<section><h2>${both(zh, en)}</h2>${body}</section>`;
}

function row(zh: string, en: string, value: string): string {
  return `<div><dt>${both(zh, en)}</dt><dd>${value}</dd></div>`;
}

export function renderProfilePage(view: PublicProfileView, baseUrl: string): string {
  const rows: string[] = [];
  if (view.creditCode !== null) rows.push(row('统一社会信用代码', 'Unified social credit code', `<span translate="no">${e(view.creditCode)}</span>`));
  if (view.fields.includes('GRADE')) {
    const value =
      view.grade === null
        ? both('尚未评级', 'not yet rated')
        : `<strong class="grade grade-${gradeBand(view.grade)}">${e(view.grade)}</strong>` +
          (view.gradeComputedAt
            ? `${both('评定于', 'computed on')} <time datetime="${e(view.gradeComputedAt.toISOString())}">${chinaCalendarDay(view.gradeComputedAt)}</time>`
            : '') +
          `<br><span class="en">${both('等级由高到低为 AAA 至 C，D 为违约', 'grades run from AAA (best) to C; D is in default')}</span>`;
    rows.push(row('信用等级', 'Credit grade', value));
  }
  if (view.consortium !== null) {
    const c = view.consortium;
    rows.push(row('所属信用联盟', 'Credit alliance', `${e(c.name)}<br><span class="en">${e(c.region)} · ${e(c.industry)}</span>`));
  }
  if (view.yearsInAlliance !== null && view.memberSince !== null) {
    const years =
      view.yearsInAlliance === 0
        ? both('不足 1 年', 'less than a year')
        : both(`${view.yearsInAlliance} 年`, `${view.yearsInAlliance} year${view.yearsInAlliance === 1 ? '' : 's'}`);
    rows.push(row('入盟年限', 'Years in the alliance', `${years}（${both('自', 'since')} ${e(view.memberSince)}）`));
  }

  const title = view.name ?? '信用联盟成员';
  const canonical = view.slug ? `<link rel="canonical" href="${e(profileUrl(baseUrl, view.slug))}">` : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · 信用档案 Credit profile</title>
<meta name="description" content="${e(title)}: 经信用联盟核实的信用档案 · a credit profile verified by its credit alliance">
<meta name="referrer" content="no-referrer">
${canonical}
<style>${CSS}</style>
</head>
<body>
<main>
<p class="brand">信用联盟 · Credit Alliance — ${both('已核实的信用档案', 'verified credit profile')}</p>
<h1>${view.name === null ? both('信用联盟成员', 'a member of the credit alliance') : e(view.name)}</h1>
${rows.length ? `<dl>${rows.join('')}</dl>` : ''}
${credentialSection('认证', 'Verified certifications', view.certifications)}
${credentialSection('社会责任与社区公益', 'Community and social-responsibility work', view.communityWork)}
<footer>
<p>本页只显示该企业自愿公开、且经联盟核实的内容；信用等级在其记录变化时重新计算。</p>
<p lang="en">This page shows only what the company chose to publish and the alliance verified; the grade is recomputed whenever its verified records change.</p>
</footer>
</main>
</body>
</html>
`;
}
