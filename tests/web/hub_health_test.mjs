// The page's hub-health banner (issue 8's operator alert for a journal that cannot write): red
// banner with the hub's error while snapshots say journal_ok=false, the alert sound once per outage,
// and both gone when the journal works again. The hub is real; its snapshots are rewritten in the
// browser (playwright's routeWebSocket), since the hub itself is tested on a failing disk by
// journal_disk_full_api_test (tests/hub) and this test is about the page's reaction to the
// documented message.
import assert from 'node:assert/strict';
import { tempDir, waitFor, launchBrowser, sleep } from './support.mjs';
import { startIdleHub } from './convoy_run.mjs';
import { openAs } from './page_helpers.mjs';

const dir = tempDir();
const run = await startIdleHub(dir, { cars: 3 });
const context = await launchBrowser();
let failing = false;
const error = 'data/journal-00000002.log: write: No space left on device';
// Counts the oscillators the page starts: one alert sound is three (alerts.js beep(urgent)).
await context.addInitScript(() => {
  window.__oscillators = 0;
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() { window.__oscillators += 1; return super.createOscillator(); }
  };
});
await context.routeWebSocket(/\/api\/v1\/live/, (ws) => {
  const server = ws.connectToServer();
  server.onMessage((text) => {
    const msg = JSON.parse(text);
    if (failing && msg.snapshot) msg.snapshot.hub = { journal_ok: false, journal_error: error };
    ws.send(JSON.stringify(msg));
  });
});
try {
  const { page, errors } = await openAs(context, run, 'safety');
  await page.mouse.click(5, 5);  // a tap unlocks the sound
  await waitFor(() => page.evaluate(() => window.convoyPage.hubHealth?.journal_ok === true),
    'the hub reported healthy');
  assert.equal(await page.isVisible('[data-testid=hub-health]'), false);

  const before = await page.evaluate(() => window.__oscillators);
  failing = true;
  await waitFor(() => page.isVisible('[data-testid=hub-health]'), 'the banner');
  assert.equal(await page.textContent('[data-testid=hub-health]'),
    `The hub cannot write its recording: ${error}. Nothing is acknowledged; cars keep their fixes.`);
  await sleep(3500);  // three more failing snapshots (one a second): no more sound
  assert.equal(await page.evaluate(() => window.__oscillators) - before, 3, 'one alert sound');
  assert.equal(await page.isVisible('[data-testid=hub-health]'), true);

  failing = false;
  await waitFor(async () => !(await page.isVisible('[data-testid=hub-health]')), 'the banner to go');
  assert.deepEqual(errors, []);
  console.log('OK: banner shown with the error, one alert sound, cleared by itself');
} finally {
  await context.close();
  await run.stop();
}
