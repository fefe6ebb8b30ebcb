// Benchmark: a fix's arrival at the hub to its update on the map in a real browser (issue 5 target:
// p99 <= 250 ms). A real convoy-hub, convoy-sim with 40 live cars at 1 Hz, Debian's chromium with the
// page logged in; the page records, at the animation frame that shows each position, now - fix time.
// The fix time is stamped by convoy-sim when it makes the fix, just before sending it over loopback, so
// the figure is an upper bound of hub arrival -> browser (it adds the tracker's send, well under 1 ms
// here). Same machine, same clock.
//
// Usage (see browser_latency.sh): node browser_latency.mjs [--warmup S] [--seconds S] [--viewers N]
// Prints one JSON line: {"samples","p50_ms","p90_ms","p99_ms","max_ms"}.
import path from 'node:path';
import { tempDir, waitFor, sleep, launchBrowser, makeRoster, makeStaff, startHub, startSim, stopProcess } from '../web/support.mjs';
import { writeCircleRoute } from '../web/convoy_run.mjs';
import { openAs } from '../web/page_helpers.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const warmup_s = arg('--warmup', 10);
const seconds = arg('--seconds', 30);

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const dir = tempDir('convoy-latency-');
const roster = makeRoster(path.join(dir, 'roster.csv'), 40);
const staff = makeStaff(path.join(dir, 'staff.csv'));
const hub = await startHub({ dir, roster, staff: staff.file, route: writeCircleRoute(path.join(dir, 'circuit.geojson')) });
const sim = startSim(['--hub', hub.trackers, '--roster', roster], dir);
const browser = await launchBrowser();
try {
  const { page } = await openAs(browser, { hub, staff }, 'organizer');
  await waitFor(async () => (await page.locator('#map .car-marker:not(.ghost)').count()) === 40, '40 cars');
  await sleep(warmup_s * 1000);
  await page.evaluate(() => { window.convoyPage.latencies_ms = []; window.convoyPage.recordLatency = true; });
  await sleep(seconds * 1000);
  const lat = (await page.evaluate(() => window.convoyPage.latencies_ms)).sort((a, b) => a - b);
  if (!lat.length) throw new Error('no position reached the page');
  console.log(JSON.stringify({ samples: lat.length, p50_ms: quantile(lat, 0.5), p90_ms: quantile(lat, 0.9),
    p99_ms: quantile(lat, 0.99), max_ms: lat[lat.length - 1] }));
} finally {
  await browser.close();
  await stopProcess(sim);
  await stopProcess(hub.child);
}
