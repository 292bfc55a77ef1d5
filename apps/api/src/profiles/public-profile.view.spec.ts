import { describe, expect, it } from '@jest/globals';
import { PUBLIC_PROFILE_FIELDS, type PublicProfileSource } from '@app/domain';
import fc from 'fast-check';
import { badgeValue, renderBadge, textWidth } from './badge.renderer';
import { escapeHtml } from './html-escape';
import { renderProfilePage } from './profile-page.renderer';
import { publicProfileView, wholeYears } from './public-profile.view';

const source: PublicProfileSource = {
  companyId: '00000000-0000-4000-8000-000000000001',
  slug: 'lucheng-shoes',
  published: true,
  fields: [],
  name: '温州市鹿城区明达鞋业有限公司',
  creditCode: '91330302MA2X3Y4B5C',
  consortium: { name: '温州鞋业信用联盟', region: '浙江省温州市', industry: '鞋业' },
  joinedOn: '2023-05-20',
  grade: 'AA',
  gradeComputedAt: new Date('2026-11-26T18:30:00Z'),
  certifications: [{ title: 'ISO 9001:2015', recordedOn: '2025-03-01', validUntil: '2028-02-28', evidenceName: 'iso9001.pdf', evidenceSha256: 'ab'.repeat(32) }],
  communityWork: [{ title: '鹿城区助学金 2025', recordedOn: '2025-09-01', validUntil: null, evidenceName: '捐赠证明.pdf', evidenceSha256: 'cd'.repeat(32) }],
};

/** Strings only the given field would put on the page. */
const MARKS: Record<(typeof PUBLIC_PROFILE_FIELDS)[number], string[]> = {
  NAME: ['明达鞋业'],
  CREDIT_CODE: ['91330302MA2X3Y4B5C'],
  CONSORTIUM: ['温州鞋业信用联盟'],
  GRADE: ['>AA<', '2026-11-27'],
  CERTIFICATIONS: ['ISO 9001:2015', 'iso9001.pdf'],
  COMMUNITY_WORK: ['鹿城区助学金', '捐赠证明.pdf'],
  YEARS_IN_ALLIANCE: ['入盟年限', '2023-05-20'],
};

describe('the public profile view and page', () => {
  it('shows exactly the chosen items, for every choice', () => {
    fc.assert(
      fc.property(fc.subarray([...PUBLIC_PROFILE_FIELDS]), (fields) => {
        const html = renderProfilePage(publicProfileView(source, fields, '2026-11-27'), 'https://ca.example.cn');
        for (const field of PUBLIC_PROFILE_FIELDS) {
          for (const mark of MARKS[field]) expect(html.includes(mark)).toBe(fields.includes(field));
        }
      }),
    );
  });

  it('counts whole years in the alliance as anniversaries do', () => {
    expect(wholeYears('2023-05-20', '2026-05-19')).toBe(2);
    expect(wholeYears('2023-05-20', '2026-05-20')).toBe(3);
    expect(wholeYears('2024-02-29', '2025-02-28')).toBe(0);
    expect(wholeYears('2026-11-27', '2026-11-27')).toBe(0);
    expect(publicProfileView(source, ['YEARS_IN_ALLIANCE'], '2026-11-27').yearsInAlliance).toBe(3);
  });

  it('dates the grade in China time and says so when the company is not rated yet', () => {
    // 18:30 UTC on the 26th is the 27th in Beijing
    expect(renderProfilePage(publicProfileView(source, ['GRADE'], '2026-11-27'), '')).toContain('>2026-11-27</time>');
    const unrated = renderProfilePage(publicProfileView({ ...source, grade: null, gradeComputedAt: null }, ['GRADE'], '2026-11-27'), '');
    expect(unrated).toContain('尚未评级');
  });

  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('puts stored text on the page only escaped, whatever it holds', () => {
    // rendering X is rendering a placeholder with the placeholder replaced by escape(X)
    const render = (name: string, title: string) => {
      const view = publicProfileView({ ...source, name, certifications: [{ ...source.certifications[0], title, evidenceName: title }] }, [...PUBLIC_PROFILE_FIELDS], '2026-11-27');
      return [renderProfilePage(view, ''), renderBadge(view, 'https://ca.example.cn/p/x')];
    };
    const [pagePattern, badgePattern] = render('Q9NAMEQ9', 'Q9TITLEQ9');
    fc.assert(
      // a company's name is never empty (registration refuses it)
      fc.property(fc.string({ minLength: 1 }), fc.string(), (name, title) => {
        const fill = (pattern: string) => pattern.split('Q9NAMEQ9').join(escapeHtml(name)).split('Q9TITLEQ9').join(escapeHtml(title));
        expect(render(name, title)).toEqual([fill(pagePattern), fill(badgePattern)]);
      }),
    );
  });

  it("puts the grade on the badge only when the company shows it", () => {
    expect(badgeValue(publicProfileView(source, ['GRADE'], '2026-11-27'))).toBe('信用等级 Grade AA');
    expect(badgeValue(publicProfileView(source, ['NAME'], '2026-11-27'))).toBe('成员 Member');
    expect(badgeValue(publicProfileView({ ...source, grade: null }, ['GRADE'], '2026-11-27'))).toBe('未评级 Not rated');
    expect(renderBadge(publicProfileView(source, ['NAME'], '2026-11-27'), 'https://x/p/y')).not.toContain('AA');
    // square CJK characters are wider than Latin ones
    expect(textWidth('信用')).toBeGreaterThan(textWidth('AB'));
  });
});
