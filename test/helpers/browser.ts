/**
 * A real browser for the console tests: Debian's Chromium (/usr/bin/chromium, apt-get install
 * chromium) driven headless by playwright-core, which downloads no browser of its own.
 *
 *   const browser = await openBrowser('test-artifacts/console');
 *   t.after(() => browser.close());
 *   await browser.page.goto(`${endpoint}/console`);
 *   await browser.screenshot('sign-in');           // test-artifacts/console/01-sign-in.png
 *   assert.deepEqual(browser.pageErrors, []);
 *
 * Every script response is recorded with its transferred (compressed) size, for the console's
 * first-load budget.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium quiet and off the network in a container. */
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

export interface ScriptLoad {
  url: string;
  /** Bytes on the wire (the Content-Length of the compressed answer). */
  bytes: number;
  encoding: string | undefined;
}

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** `console.error` lines of the page. */
  consoleErrors: string[];
  scripts: ScriptLoad[];
  /** Saves a full-page screenshot as `<dir>/<NN>-<name>.png` (numbered in order); returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh profile; screenshots go to `artifactsDir`. */
export async function openBrowser(artifactsDir: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(artifactsDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const scripts: ScriptLoad[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'script') return;
    const headers = res.headers();
    scripts.push({ url: res.url(), bytes: Number(headers['content-length'] ?? 0), encoding: headers['content-encoding'] });
  });
  let shots = 0;
  return {
    browser,
    context,
    page,
    pageErrors,
    consoleErrors,
    scripts,
    async screenshot(name) {
      const file = join(artifactsDir, `${String(++shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
    },
  };
}

/** Signs in to the console at `endpoint` with an access key, as a user does, and waits for the first page. */
export async function signInToConsole(page: Page, endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  await page.goto(`${endpoint}/console`);
  await page.getByLabel('Access key ID', { exact: true }).fill(credentials.accessKeyId);
  await page.getByLabel('Secret access key', { exact: true }).fill(credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText(`Signed in as ${credentials.accessKeyId}`).waitFor();
}

/** The inline error a field shows: the last element its aria-describedby names (fails if there is none). */
export async function fieldErrorOf(field: Locator): Promise<string> {
  const ids = await field.getAttribute('aria-describedby');
  if (ids === null) throw new Error(`${String(field)} describes no error`);
  const errorId = ids.split(' ').pop()!;
  if (!errorId.endsWith('-error')) throw new Error(`${String(field)} shows no error (aria-describedby="${ids}")`);
  return field.page().locator(`[id="${errorId}"]`).innerText();
}
