import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** A demo user's bearer header, for the API calls a browser test makes beside the page (setting up, checking). */
export async function apiAuth(request: APIRequestContext, username: string): Promise<{ authorization: string }> {
  const res = await request.post('/api/v1/auth/login', { data: { username, password: `${username}-12345` } });
  expect(res.status()).toBe(200);
  return { authorization: `Bearer ${(await res.json()).token as string}` };
}

/** What the test reads of a page's Web Animation (the tests are typed without the DOM's types). */
interface PageAnimation {
  playState: string;
  effect: { getTiming(): { iterations?: number } } | null;
}

/** Serious and critical accessibility violations on the page as it is now (axe-core). */
/**
 * Until what is sliding or fading has finished (a dropdown opening, a toast, a closing drawer): a click on
 * an option still sliding in can miss it, and mid-way colours fail a contrast check. Endless animations
 * (a spinner, a live badge) do not count.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { document: { getAnimations(): PageAnimation[] } }).document
        .getAnimations()
        .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
    undefined,
    { timeout: 5_000 },
  );
}

export async function accessibilityProblems(page: Page): Promise<string[]> {
  await settled(page);
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')})`);
}

export async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
}

export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  // The keyboard alone: the user name field has the focus.
  await expect(page.getByLabel('用户名')).toBeFocused();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(`${username}-12345`);
  await page.keyboard.press('Enter');
}
