import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '@app/config';
import { createWebServer } from '@web/web-server';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildWeb } from '../../tools/web/build-web';

/** Debian's chromium, as CI installs it (.ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RunningWeb {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly publicDir: string;
  close(): Promise<void>;
}

/**
 * The console's static files, built once per test run and jest worker (the same build as
 * `npm run build`, into a temporary folder).
 */
export function builtConsole(): string {
  const dir = join(tmpdir(), `ca-web-${process.env.CA_TEST_RUN_ID ?? 'local'}-w${process.env.JEST_WORKER_ID ?? '0'}`);
  if (!existsSync(join(dir, 'index.html'))) buildWeb(dir);
  return dir;
}

/** The real console server on a free port, forwarding to `apiUrl`. */
export async function startWeb(config: AppConfig, apiUrl: string, options: { proxyTimeoutMs?: number } = {}): Promise<RunningWeb> {
  const publicDir = builtConsole();
  const app = await createWebServer({ config: { web: { ...config.web, port: 0, apiUrl } }, publicDir, proxyTimeoutMs: options.proxyTimeoutMs });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the console did not bind a TCP port');
  return { app, url: `http://127.0.0.1:${address.port}`, publicDir, close: () => app.close() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Errors the page reports (script errors, CSP or Trusted Types violations): a test expects none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of (4|5)\d\d/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Where screenshots go, for a person to look at (not compared by the tests). */
export const SCREENSHOT_DIR = process.env.WEB_SCREENSHOT_DIR ?? join(tmpdir(), 'ca-web-screenshots');
