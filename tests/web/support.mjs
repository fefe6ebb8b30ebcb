// Shared by the real-browser tests and the latency benchmark: starts a real convoy-hub and convoy-sim
// (each in its own temp dir, on loopback ports chosen by the kernel), and Debian's chromium through
// playwright-core. Every process started here is stopped by its pid on exit, whatever happens.
//
// Settings come from the environment (tests/web.cmake sets them):
//   CONVOY_BIN_DIR       convoy-hub, convoy-sim
//   CONVOY_TEST_DATA     tests/data (the tour plan)
//   CONVOY_WEB_DIR       the bundled page (build/web)
//   CONVOY_WEB_MODULES   node_modules holding playwright-core (npm ci of tests/web, in the build dir)
//   CONVOY_ARTIFACTS     where screenshots go (created)
//   CONVOY_CHROMIUM      the browser (default /usr/bin/chromium)
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const env = {
  bin: process.env.CONVOY_BIN_DIR || 'build/bin',
  data: process.env.CONVOY_TEST_DATA || 'tests/data',
  web: process.env.CONVOY_WEB_DIR || '',
  modules: process.env.CONVOY_WEB_MODULES || path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules'),
  artifacts: process.env.CONVOY_ARTIFACTS || path.join(os.tmpdir(), 'convoy-web-artifacts'),
  chromium: process.env.CONVOY_CHROMIUM || '/usr/bin/chromium',
};

const started = new Set();  // child processes to stop at exit
function stopAll() {
  for (const child of started) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAll(); process.exit(1); });

export function tempDir(prefix = 'convoy-web-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Polls fn() until it returns a truthy value. The timeout only guards against a hang (the machine is
// shared and slow at times): it is generous and never part of what is tested.
export async function waitFor(fn, what, timeout_ms = 120000, every_ms = 200) {
  const end = Date.now() + timeout_ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(every_ms);
  }
}

// A child process whose stdout is watched for a line matching `ready`; stderr goes to logFile.
export function startProcess(cmd, args, { ready, logFile, timeout_ms = 60000 } = {}) {
  const log = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', log] });
  started.add(child);
  child.on('exit', () => started.delete(child));
  let out = '';
  const readyLine = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(cmd)} not ready after ${timeout_ms} ms (see ${logFile})`)), timeout_ms);
    child.stdout.on('data', (d) => {
      out += d;
      if (logFile) fs.appendFileSync(logFile, d);
      const line = out.split('\n').find((l) => ready && ready.test(l));
      if (line) { clearTimeout(timer); resolve(line); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${path.basename(cmd)} exited with ${code} (see ${logFile})`)); });
  });
  readyLine.catch(() => {});
  return { child, readyLine };
}

export function stopProcess(child, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export function makeRoster(file, cars = 40) {
  const r = spawnSync(path.join(env.bin, 'convoy-sim'), ['--make-roster', file, '--roster-cars', String(cars)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`convoy-sim --make-roster failed: ${r.stderr}`);
  return file;
}

// staff.csv with one member per role; answers { file, tokens: { organizer, safety, marketing }, names }.
export function makeStaff(file) {
  const tokens = {};
  const names = { organizer: 'Olga Organizer', safety: 'Sam Safety', marketing: 'Mia Marketing' };
  const lines = ['name,role,token'];
  for (const role of Object.keys(names)) {
    tokens[role] = randomBytes(16).toString('hex');
    lines.push(`${names[role]},${role},${tokens[role]}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  return { file, tokens, names };
}

export function simHelp() {
  return spawnSync(path.join(env.bin, 'convoy-sim'), ['--help'], { encoding: 'utf8' }).stdout || '';
}

// A real convoy-hub. opts: { dir, roster, staff, plan?, route?, clock?, trackers?, http? } (ports: "127.0.0.1:0"
// for any). Answers { child, trackers: "H:P", http: "H:P", url }.
export async function startHub(opts) {
  const args = ['--data', path.join(opts.dir, 'data'), '--roster', opts.roster, '--staff', opts.staff,
    '--trackers', opts.trackers || '127.0.0.1:0', '--http', opts.http || '127.0.0.1:0', '--status-every', '0'];
  if (opts.plan) args.push('--plan', opts.plan);
  if (opts.route) args.push('--route', opts.route);
  if (opts.clock) args.push('--clock', opts.clock);
  if (opts.osmand) args.push('--osmand', opts.osmand);
  if (env.web) args.push('--web', env.web);
  const { child, readyLine } = startProcess(path.join(env.bin, 'convoy-hub'), args,
    { ready: /^ready /, logFile: path.join(opts.dir, 'hub.log') });
  const line = await readyLine;
  const trackers = /trackers=(\S+)/.exec(line)[1];
  const http = /http=(\S+)/.exec(line);
  if (!http) throw new Error(`the hub's ready line has no http= (${line})`);
  const osmand = /osmand=(\S+)/.exec(line);
  return { child, trackers, http: http[1], osmand: osmand && osmand[1], url: `http://${http[1]}` };
}

export function startSim(args, dir) {
  const { child } = startProcess(path.join(env.bin, 'convoy-sim'), args, { logFile: path.join(dir, 'sim.log') });
  return child;
}

export async function launchBrowser() {
  const { chromium } = createRequire(path.join(env.modules, 'noop.js'))('playwright-core');
  const profile = tempDir('convoy-chromium-');
  // Never a browser download: Debian's chromium, isolated from the network and from any profile.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  return context;
}

export function artifactPath(name) {
  fs.mkdirSync(env.artifacts, { recursive: true });
  return path.join(env.artifacts, name);
}
