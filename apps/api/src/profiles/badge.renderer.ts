import { escapeHtml as e } from './html-escape';
import { gradeBand, type GradeBand } from './profile-page.renderer';
import type { PublicProfileView } from './public-profile.view';

const COLOURS: Readonly<Record<GradeBand, string>> = {
  good: '#0b7a3e',
  fair: '#8a6d00',
  weak: '#b44d12',
  poor: '#b3261e',
  none: '#52606d',
};

const FONT = `Verdana,"DejaVu Sans","PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif`;
const FONT_SIZE = 11;

/**
 * Roughly how wide a text is at 11 px, so that the badge's boxes fit their words without a
 * font at hand: CJK characters are square, Latin ones narrower (close to Verdana's widths).
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x2e80) width += FONT_SIZE;
    else if (ch === ' ') width += 3.5;
    else if (/[A-Z0-9]/.test(ch)) width += 7.5;
    else if (/[a-z]/.test(ch)) width += 6.2;
    else width += 4.5;
  }
  return Math.ceil(width);
}

/** The badge's right-hand words: the grade when the company shows it. */
export function badgeValue(view: PublicProfileView): string {
  if (!view.fields.includes('GRADE')) return '成员 Member';
  if (view.grade === null) return '未评级 Not rated';
  return `信用等级 Grade ${view.grade}`;
}

/**
 * The badge a member puts on its website: "信用联盟 Credit Alliance | 信用等级 Grade AA",
 * linking to the profile, where a visitor sees the grade's date. The link works where the
 * SVG is opened or embedded as an object; an <img> needs the <a> of the embed snippet.
 */
export function renderBadge(view: PublicProfileView, profileHref: string): string {
  const label = '信用联盟 Credit Alliance';
  const value = badgeValue(view);
  const pad = 8;
  const labelWidth = textWidth(label) + 2 * pad;
  const valueWidth = textWidth(value) + 2 * pad;
  const width = labelWidth + valueWidth;
  const colour = COLOURS[view.fields.includes('GRADE') ? gradeBand(view.grade) : 'none'];
  const title = `${label}: ${value}${view.name ? ` — ${view.name}` : ''}`;
  const href = e(profileHref);
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-label="${e(title)}">
<title>${e(title)}</title>
<a href="${href}" xlink:href="${href}" target="_blank">
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#3e4c59"/><rect x="${labelWidth}" width="${valueWidth}" height="20" fill="${colour}"/><rect width="${width}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family='${FONT}' font-size="${FONT_SIZE}">
<text x="${labelWidth / 2}" y="14">${e(label)}</text>
<text x="${labelWidth + valueWidth / 2}" y="14" font-weight="bold">${e(value)}</text>
</g>
</a>
</svg>
`;
}
