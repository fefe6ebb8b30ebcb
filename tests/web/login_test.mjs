// Access from the page: without a session it asks for the login link (401 from the hub); the login
// link logs in and lands on the page; each role sees only its views (marketing: replay only; safety:
// live only; organizer: both).
import test from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, waitFor, launchBrowser } from './support.mjs';
import { startIdleHub } from './convoy_run.mjs';
import { openAs } from './page_helpers.mjs';

test('page access: login hint without a session, views by role', async (t) => {
  const dir = tempDir();
  const run = await startIdleHub(dir);
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); await run.stop(); });

  const anonymous = await browser.newPage();
  await anonymous.goto(`${run.hub.url}/`);
  await waitFor(() => anonymous.isVisible('[data-testid=login]'), 'the "open your login link" card');
  assert.match(await anonymous.textContent('[data-testid=login]'), /open your login link/i);
  await anonymous.close();

  // A wrong token sets no session: the API still answers 401 to this browser.
  const wrong = await browser.newPage();
  await wrong.goto(`${run.hub.url}/login?token=${'x'.repeat(32)}`);
  assert.equal(await wrong.evaluate(() => fetch('/api/v1/me').then((r) => r.status)), 401);
  await wrong.close();

  const views = {};
  for (const role of ['marketing', 'safety', 'organizer']) {
    // One browser profile: each login link replaces the session cookie.
    const { page, errors } = await openAs(browser, run, role);
    assert.ok(!page.url().includes('token='), 'the token left the address bar');
    views[role] = { live: await page.isVisible('#tab-live'), replay: await page.isVisible('#tab-replay') };
    assert.deepEqual(errors, []);
    await page.close();
  }
  assert.deepEqual(views, {
    marketing: { live: false, replay: true },
    safety: { live: true, replay: false },
    organizer: { live: true, replay: true },
  });
});
