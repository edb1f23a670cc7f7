/**
 * The browser tests' tools: Debian's Chromium (never a downloaded browser) driven by playwright-core,
 * against a real n8n (test/support/n8n.ts). Selectors are n8n's own data-test-id attributes where it has them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, selectors, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { REPO_ROOT, type N8nInstance } from './n8n';

// n8n marks its elements with data-test-id (not Playwright's default data-testid).
selectors.setTestIdAttribute('data-test-id');

export const CHROMIUM = process.env.CERTSIGN_CHROMIUM ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1440, height: 900 };
export const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');

export type Theme = 'light' | 'dark';

export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-system-deps.sh (apt-get install chromium)`);
	// --no-sandbox: the tests run as root on the project's machines, where Chromium's sandbox refuses to start.
	return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A browser context in the given n8n theme (n8n keeps it in localStorage; the OS scheme matches it). */
export async function newContext(browser: Browser, theme: Theme = 'light'): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: theme, locale: 'en-US', timezoneId: 'UTC' });
	await context.addInitScript({ content: `window.localStorage.setItem('N8N_THEME', ${JSON.stringify(theme)});` });
	context.setDefaultTimeout(30_000);
	return context;
}

/** Logs in through the sign-in form, as a person does, and waits for the workflow list. */
export async function signIn(page: Page, n8n: N8nInstance) {
	if (!n8n.owner) throw new Error('the n8n needs an owner');
	await page.goto(`${n8n.baseUrl}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(n8n.owner.email);
	await page.locator('input[name="password"]').fill(n8n.owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
}

/** Saves docs/screenshots/<name>.png, after closing n8n's toasts (they would cover the output panel). */
export async function screenshot(page: Page, name: string) {
	mkdirSync(SCREENSHOTS, { recursive: true });
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all()) await close.click().catch(() => undefined);
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'hidden', timeout: 3000 })
		.catch(() => undefined);
	await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
