/**
 * Signing in to the web console as a user does: the sign-in form with an access key, then the
 * "Target groups" page as proof of a session.
 *
 *   await signInToConsole(browser.page, api.endpoint, api.credentials);
 */
import type { Page } from 'playwright-core';
import type { SigningCredentials } from '../../src/controlplane/api/sigv4.ts';

export async function signInToConsole(page: Page, endpoint: string, credentials: SigningCredentials): Promise<void> {
  await page.goto(`${endpoint}/console`);
  await page.getByLabel('Access key ID', { exact: true }).fill(credentials.accessKeyId);
  await page.getByLabel('Secret access key', { exact: true }).fill(credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Target groups' }).waitFor();
}
