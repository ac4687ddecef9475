// Debian's Chromium (apt-get install chromium) driven by playwright-core; never a downloaded browser.
// Without /usr/bin/chromium the browser tests are skipped, unless FEDMETA_REQUIRE_OPTIONAL or CI
// is set: then they fail, so a CI run cannot pass without having run them.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import { skipBecause } from '../helpers/optional.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/** Launch Chromium, or skip the calling suite when it is not installed (fail instead on CI). */
export async function chromiumOrSkip(context: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) skipBecause(context, `${CHROMIUM_PATH} is missing (apt-get install chromium)`);
  return launchChromium();
}

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

/** Sign in through the real /login form; without a pending request an administrator lands on the dashboard. */
export async function signIn(page: Page, server: TestServer, account = ADMIN, from = '/login'): Promise<void> {
  await page.goto(`${server.url}${from}`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/login'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.waitForLoadState();
}

/** Collects what a page must never do: CSP violations (console errors) and dialogs (dismissed). */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}
