import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_PASSWORD } from '@app/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type RunningApi, startApi } from '../support/api';
import { type RunningWeb, collectPageErrors, launchChromium, SCREENSHOT_DIR, startWeb } from '../support/web';
import { createWorld, type World } from '../support/world';
import { insertRating, insertStanding } from './web-fixtures';

/**
 * The console in a real browser (Debian's chromium), against the real console server and
 * the real API: each role signs in and lands on its page; errors read in words.
 */
describe('web console in the browser', () => {
  let api: RunningApi;
  let web: RunningWeb;
  let browser: Browser;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb(api.config, api.url);
    browser = await launchChromium();
    world = await createWorld(api);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  async function open(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(web.url);
    return { context, page, errors };
  }

  async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: /登录/ }).click();
  }

  it('shows a MEMBER its company and its rating, with reasons and factors in Chinese', async () => {
    const { companyA } = world.home;
    await insertRating(api.dataSource, world.home.consortium.id, companyA.id);
    const { context, page, errors } = await open();
    await signIn(page, world.home.memberA.user.email);

    await expect(page.getByTestId('role').textContent()).resolves.toBe('成员企业');
    const overview = page.locator('#overview');
    await overview.getByTestId('company-name').waitFor();
    await expect(overview.getByTestId('company-name').textContent()).resolves.toBe(companyA.name);
    await expect(overview.textContent()).resolves.toContain(companyA.creditCode);
    await expect(overview.getByTestId('score').textContent()).resolves.toBe('712');
    const text = await overview.textContent();
    expect(text).toContain('1.23%');
    expect(text).toContain('向供应商付款延迟');
    expect(text).toContain('PAYMENT_DELAYS');
    expect(text).toContain('付款表现');
    expect(text).toContain('提升 1 级');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'member-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works on a phone-sized screen without sideways scrolling of the page', async () => {
    const { context, page, errors } = await open({ width: 390, height: 844 });
    await signIn(page, world.home.memberA.user.email);
    await page.locator('#overview').getByTestId('company-name').waitFor();
    await page.waitForLoadState('networkidle');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'member-phone.png') });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'member-phone-full.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so when the email or password is wrong, and stays on sign-in', async () => {
    const { context, page } = await open();
    await signIn(page, world.home.memberB.user.email, 'not the right password at all');
    const alert = page.locator('#login-form [role="alert"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('邮箱或密码不正确');
    await expect(page.getByRole('button', { name: /登录/ }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sign-in-refused.png') });
    await context.close();
  });

  it('marks empty required fields before sending anything', async () => {
    const { context, page } = await open();
    await page.getByRole('button', { name: /登录/ }).click();
    await expect(page.getByLabel('邮箱').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#login-form-email-error').textContent()).resolves.toContain('必填');
    await context.close();
  });

  it('shows a COORDINATOR the consortium, its standing and its members with their ratings', async () => {
    const { consortium, companyA, companyB } = world.home;
    await insertRating(api.dataSource, consortium.id, companyB.id, { score: 655, grade: 'BBB', pd: 0.031 });
    await insertStanding(api.dataSource, consortium.id, [
      { companyId: companyA.id, pd: 0.0123, grade: 'A' },
      { companyId: companyB.id, pd: 0.031, grade: 'BBB' },
    ]);
    const { context, page, errors } = await open();
    await signIn(page, world.home.coordinator.user.email);
    await expect(page.getByTestId('role').textContent()).resolves.toBe('联盟协调员');
    const members = page.locator('#members');
    await members.getByRole('link', { name: companyB.name }).waitFor();
    const rows = await members.locator('tbody tr').allTextContents();
    expect(rows.find((r) => r.includes(companyB.name))).toContain('BBB');
    await page.locator('#standing .grade-large').waitFor();
    await expect(page.locator('#standing').textContent()).resolves.toContain('担保基金覆盖率');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'coordinator-desktop.png'), fullPage: true });

    // a member's page: its rating and the panels of records to verify and disputes to resolve
    await members.getByRole('link', { name: companyB.name }).click();
    await page.locator('#company').getByTestId('company-name').waitFor();
    await expect(page.locator('#company').getByTestId('score').textContent()).resolves.toBe('655');
    await expect(page.locator('#pending h2').textContent()).resolves.toContain('待核实记录');
    await expect(page.locator('#disputes h2').textContent()).resolves.toContain('待处理异议');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'coordinator-company.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("answers a COORDINATOR's link to another consortium's company with FORBIDDEN in words", async () => {
    const { context, page } = await open();
    await signIn(page, world.home.coordinator.user.email);
    await page.locator('#members').waitFor();
    await page.goto(`${web.url}/#/company/${world.other.companyA.id}`);
    const alert = page.locator('#company [role="alert"]');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('您没有权限执行此操作');
    expect(text).toContain('Not allowed');
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
    await expect(page.locator('#company').textContent()).resolves.not.toContain(world.other.companyA.name);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'forbidden.png') });
    await context.close();
  });

  it("puts the API's BAD_USER_INPUT next to the field it names (an ADMIN's bad credit code)", async () => {
    const { context, page, errors } = await open();
    await signIn(page, world.admin.user.email);
    await expect(page.getByTestId('role').textContent()).resolves.toBe('平台管理员');
    const company = page.locator('#company-form');
    await company.getByLabel('联盟编号').fill(world.home.consortium.id);
    await company.getByLabel('企业名称').fill('温州市测试鞋材有限公司');
    await company.getByLabel('统一社会信用代码').fill('91330300MA2ABCDE1X');
    await company.getByRole('button', { name: '登记' }).click();
    const fieldError = company.locator('#company-form-creditCode-error');
    await fieldError.waitFor();
    await expect(fieldError.textContent()).resolves.toContain('输入有误');
    await expect(company.getByLabel('统一社会信用代码').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(company.getByLabel('企业名称').getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('company-form-creditCode');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-field-error.png'), fullPage: true });

    // and a good one goes through, listed with its id
    await page.locator('#consortium-form').getByLabel('名称').fill('瑞安汽摩配联盟');
    await page.locator('#consortium-form').getByLabel('地区').fill('浙江省瑞安市');
    await page.locator('#consortium-form').getByLabel('行业').fill('汽摩配件');
    await page.locator('#consortium-form').getByRole('button', { name: '创建' }).click();
    await page.locator('#created tbody tr').first().waitFor();
    await expect(page.locator('#created').textContent()).resolves.toContain('瑞安汽摩配联盟');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('gives a BANK the rating look-up and reads any refusal in words', async () => {
    const { context, page, errors } = await open();
    await signIn(page, world.banker.user.email);
    await expect(page.getByTestId('role').textContent()).resolves.toBe('银行');
    await expect(page.locator('#lookup h2').textContent()).resolves.toContain(world.bank.name);
    await page.getByLabel('统一社会信用代码').fill(world.home.companyA.creditCode);
    await page.getByRole('button', { name: '查询' }).click();
    const alert = page.locator('#bank-lookup [role="alert"]');
    await alert.waitFor();
    // without consent: FORBIDDEN once bank reads land; before that, the operation is missing
    await expect(alert.textContent()).resolves.toMatch(/您没有权限执行此操作|服务器尚未提供此功能/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'bank.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the session over a reload, and signing out forgets it', async () => {
    const { context, page } = await open();
    await signIn(page, world.home.memberB.user.email);
    await page.locator('#overview').getByTestId('company-name').waitFor();
    await page.reload();
    await page.locator('#overview').getByTestId('company-name').waitFor();
    await expect(page.getByTestId('role').textContent()).resolves.toBe('成员企业');

    await page.getByRole('button', { name: /退出/ }).click();
    await page.getByRole('button', { name: /登录/ }).waitFor();
    await expect(page.evaluate(() => Object.keys(sessionStorage).length)).resolves.toBe(0);
    await page.reload();
    await expect(page.getByRole('button', { name: /登录/ }).isVisible()).resolves.toBe(true);
    await context.close();
  });

  it('goes back to sign-in, saying why, when the session can no longer be renewed', async () => {
    const { context, page } = await open();
    await signIn(page, world.home.memberB.user.email);
    await page.locator('#overview').getByTestId('company-name').waitFor();
    // a broken access token and a refresh token the server does not know
    await page.evaluate(() => {
      const key = Object.keys(sessionStorage)[0];
      const saved = JSON.parse(sessionStorage.getItem(key) as string) as { accessToken: string; refreshToken: string };
      sessionStorage.setItem(key, JSON.stringify({ ...saved, accessToken: 'x.y.z', refreshToken: `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'A'.repeat(43)}` }));
    });
    await page.reload();
    const info = page.locator('.login [role="status"], .login [role="alert"]').first();
    await info.waitFor();
    await expect(info.textContent()).resolves.toContain('请重新登录');
    await context.close();
  });

  it('shows what the API returns as text, never as markup', async () => {
    const hostile = await world.factories.company(world.home.consortium.id, { name: '<img src=x onerror="document.title=\'pwned\'">有限公司' });
    const member = await world.factories.user('MEMBER', { companyId: hostile.id });
    const { context, page, errors } = await open();
    await signIn(page, member.email);
    await page.locator('#overview').getByTestId('company-name').waitFor();
    await expect(page.locator('#overview').getByTestId('company-name').textContent()).resolves.toBe(hostile.name);
    await expect(page.locator('#overview img').count()).resolves.toBe(0);
    expect(await page.title()).not.toBe('pwned');
    expect(errors).toEqual([]);
    await context.close();
  });
});
