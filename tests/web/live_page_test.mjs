// The live page on the simulated two-day tour (convoy-sim --scenario tour, tests/data/tour's plan, 40
// tracker units, the hub on fix time; see convoy_run.mjs), in Debian's chromium: all 40 cars on the map
// and in the roster, the scripted straggler's STRAGGLER alert arriving on its own, acknowledged from the
// page while it is open (and shown as owned by the staff member), a radio message to all whose delivery
// count rises as the cars' units confirm it. A screenshot of the page is kept as a test artifact.
import test from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, waitFor, launchBrowser, artifactPath } from './support.mjs';
import { startTour } from './convoy_run.mjs';
import { openAs, liveCarCount, deliveredCount } from './page_helpers.mjs';

test('live page on a 40-car tour: cars, straggler alert, acknowledge, radio delivery', async (t) => {
  const dir = tempDir();
  const run = await startTour(dir, { kind: 'scenario' });
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); await run.stop(); });
  console.log(`tour: ${run.mode}; hub ${run.hub.url}`);

  const { page, errors } = await openAs(browser, run, 'safety');
  await waitFor(async () => (await liveCarCount(page)) === 40, 'all 40 cars on the map');
  await waitFor(async () => (await page.locator('[data-testid=roster-row]').count()) === 40, '40 cars in the roster');
  assert.equal(await page.getAttribute('#link-state', 'data-state'), 'up');

  // Open alerts carry the "acknowledge" button; a cleared one (in the history) does not.
  const straggler = page.locator('[data-testid=alert][data-kind=STRAGGLER]:has([data-testid=alert-ack])').first();
  await waitFor(() => straggler.count(), 'a STRAGGLER alert on the desk', 300000);
  console.log(`alert on the desk: ${(await straggler.textContent().catch(() => '')).replace(/\s+/g, ' ').trim()}`);
  await straggler.locator('[data-testid=alert-ack]').click();
  const owner = await waitFor(() => page.locator('[data-testid=alert][data-kind=STRAGGLER] [data-testid=alert-owner]').first()
    .textContent().catch(() => null), 'the acknowledgement');
  assert.match(owner, new RegExp(`acknowledged by ${run.staff.names.safety}`));

  await page.selectOption('[data-testid=radio-to]', 'all');
  await page.locator('#radio-canned button', { hasText: 'Regroup at the next service area' }).click();
  await page.click('[data-testid=radio-send]');
  // The page shows each state of the message: sent (none delivered yet), then as the cars confirm it.
  const seen = await waitFor(async () => {
    const d = await page.evaluate(() => window.convoyPage.deliveries);
    const counts = d.filter((x) => x.id === d[0].id).map((x) => x.delivered);
    return counts.length >= 2 && counts.at(-1) > counts[0] && counts;
  }, 'the delivery count to rise');
  const now = await waitFor(() => deliveredCount(page), 'the delivery line');
  console.log(`radio: delivered counts seen ${seen.join(' -> ')}; the page says "${now.text}"`);
  assert.ok(now.of >= 39, `the message went to the convoy (${now.text})`);

  const shot = artifactPath('live_page.png');
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
  assert.deepEqual(errors, []);
});
