// A simulated tour for the browser tests: a real convoy-hub and 40 simulated cars, one of which
// falls behind (a STRAGGLER alert). Two kinds:
//
// 'scenario' (the live page test): `convoy-sim --scenario tour` plays tests/data/tour's two-day plan
// (real roads, GPS noise, every car a tracker unit over its own link) against a hub following the same
// plan on fix time. The plan is first copied with its dates moved to 3 days ago (the hub's fix gate
// refuses fixes over 8 days old), and the sim plays day 1 from shortly before its scripted straggler,
// with that incident only, at SCENARIO_SPEEDUP.
// 'circuit' (the stand-in, for the tests that need a convoy but no tour: hub restart, replay): 39 cars
// drive convoy-sim's circuit (a circle around Rome, 120 m apart), the hub follows that circle as its
// route (written here as GeoJSON), and this module drives the 40th car (the sweep) itself as a phone over
// the hub's OsmAnd port, on the same circle, ever further behind: a straggler within seconds.
// CONVOY_WEB_TOUR=scenario|circuit overrides the kind a test asks for.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { env, startHub, startSim, makeRoster, makeStaff, stopProcess } from './support.mjs';

// convoy-sim's circuit (tracker/simulator.h SimOptions defaults).
const CIRCLE = { lat: 41.9028, lon: 12.4964, radius_m: 3000, speed_mps: 16.7, spacing_m: 120 };
const EARTH_M = 6371008.8;

function circlePoint(angle) {
  const north = CIRCLE.radius_m * Math.sin(angle);
  const east = CIRCLE.radius_m * Math.cos(angle);
  return [CIRCLE.lat + (north / EARTH_M) * (180 / Math.PI),
    CIRCLE.lon + (east / (EARTH_M * Math.cos((CIRCLE.lat * Math.PI) / 180))) * (180 / Math.PI)];
}

// The circuit as a route, counter-clockwise (the cars' direction) from the far side, so the convoy
// (angles -1.6..0 at the start) is in its middle, with 9 km ahead of the lead.
export function writeCircleRoute(file) {
  const coords = [];
  for (let i = 0; i <= 720; i++) {
    const [lat, lon] = circlePoint(-Math.PI + (2 * Math.PI * i) / 720);
    coords.push([lon, lat]);
  }
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature',
    properties: { name: 'convoy-sim circuit' }, geometry: { type: 'LineString', coordinates: coords } }] }));
  return file;
}

function rosterSecret(rosterFile, id) {
  const lines = fs.readFileSync(rosterFile, 'utf8').split('\n');
  const cols = lines[0].split(',');
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    if (f[cols.indexOf('id')] === id) return { secret: f[cols.indexOf('secret')], index: lines.indexOf(l) - 1 };
  }
  throw new Error(`${id} not in ${rosterFile}`);
}

function rosterIds(rosterFile) {
  const lines = fs.readFileSync(rosterFile, 'utf8').trim().split('\n');
  const idCol = lines[0].split(',').indexOf('id');
  return lines.slice(1).map((l) => l.split(',')[idCol]);
}

// One car reporting as a phone (OsmAnd query form), 1 Hz, each position from where(t_s).
function drivePhone(osmand, secret, where) {
  const [host, port] = osmand.split(':');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const t0 = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const p = where((now - t0) / 1000);
    const q = `id=${encodeURIComponent(secret)}&timestamp=${(now / 1000).toFixed(3)}&lat=${p.lat.toFixed(7)}` +
      `&lon=${p.lon.toFixed(7)}&speed=${(p.speed_mps / 0.514444).toFixed(2)}&bearing=${p.course_deg.toFixed(1)}` +
      '&accuracy=5&valid=true';
    const req = http.request({ host, port: Number(port), path: `/?${q}`, method: 'GET', agent }, (res) => res.resume());
    req.on('error', () => {});
    req.end();
  }, 1000);
  return () => { clearInterval(timer); agent.destroy(); };
}

// Drives car `id` (the last of the roster: the sweep) as a phone on convoy-sim's circuit, where the
// simulator would have put it, but 7 m/s slower: ever further behind. t0: when convoy-sim started.
export function driveSweepBehind(osmand, roster, id, t0) {
  const sweep = rosterSecret(roster, id);
  const lagGrowth_mps = 7;
  return drivePhone(osmand, sweep.secret, () => {
    const t_s = (Date.now() - t0) / 1000;
    const behind_m = sweep.index * CIRCLE.spacing_m + lagGrowth_mps * t_s;
    const angle = (CIRCLE.speed_mps * t_s - behind_m) / CIRCLE.radius_m;
    const [lat, lon] = circlePoint(angle);
    const course = ((360 - (angle * 180) / Math.PI) % 360 + 360) % 360;
    return { lat, lon, speed_mps: CIRCLE.speed_mps - lagGrowth_mps, course_deg: course };
  });
}

// A hub with no car reporting (access and page-shell tests). Answers { hub, staff, stop() }.
export async function startIdleHub(dir, { cars = 40 } = {}) {
  const roster = makeRoster(path.join(dir, 'roster.csv'), cars);
  const staff = makeStaff(path.join(dir, 'staff.csv'));
  const hub = await startHub({ dir, roster, staff: staff.file,
    route: writeCircleRoute(path.join(dir, 'circuit.geojson')) });
  return { hub, staff, roster, stop: () => stopProcess(hub.child) };
}

// The scenario's pace: simulated seconds per wall second. The straggler's alert stays open for about
// 2 min of simulated time; at 6x that is ~20 s on the wall clock, time enough for a loaded machine to
// show it and click "acknowledge" before it clears on its own.
const SCENARIO_SPEEDUP = 6;
// How long before the straggler incident the sim starts (simulated): the cars' first fixes, the convoy's
// order and speed settle first (the hub's model needs a few fixes of each car).
const SCENARIO_LEAD_MS = 90000;

function runSim(args) {
  const r = spawnSync(path.join(env.bin, 'convoy-sim'), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`convoy-sim ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// The sample plan dated 3 days ago (in dir), and when its straggler incident starts on those dates.
export function datedTourPlan(dir) {
  const plan = runSim(['--scenario', 'tour', '--plan', path.join(env.data, 'tour', 'amalfi_two_days.tour'),
    '--write-dated-plan', dir]).trim();
  const incidents = runSim(['--scenario', 'tour', '--plan', plan, '--list-incidents']);
  const line = incidents.split('\n').find((l) => / straggler: /.test(l));
  const m = line && /start_ms (\d+)/.exec(line);
  if (!m) throw new Error(`no straggler in convoy-sim --list-incidents:\n${incidents}`);
  return { plan, straggler_ms: Number(m[1]), straggler: line.trim() };
}

// Starts the hub and the cars. kind: 'scenario' or 'circuit' (see the top of this file).
// Answers { hub, staff, roster, ids, mode, restartHub(), stop() }.
export async function startTour(dir, { cars = 40, kind = 'circuit' } = {}) {
  const roster = makeRoster(path.join(dir, 'roster.csv'), cars);
  const staff = makeStaff(path.join(dir, 'staff.csv'));
  const ids = rosterIds(roster);
  const scenario = (process.env.CONVOY_WEB_TOUR || kind) === 'scenario';
  const hubOpts = { dir, roster, staff: staff.file };
  let stopDrivers = () => {};
  let sim;
  let tour;
  if (scenario) {
    tour = datedTourPlan(dir);
    hubOpts.plan = tour.plan;
    hubOpts.clock = 'fix-time';
  } else {
    hubOpts.route = writeCircleRoute(path.join(dir, 'circuit.geojson'));
    hubOpts.osmand = '127.0.0.1:0';
  }
  let hub = await startHub(hubOpts);
  hubOpts.trackers = hub.trackers;  // a restarted hub keeps its ports: the cars reconnect by themselves
  hubOpts.http = hub.http;
  if (hub.osmand) hubOpts.osmand = hub.osmand;
  if (scenario) {
    // No --until: the cars keep driving (and answering the radio) until the test stops them.
    sim = startSim(['--hub', hub.trackers, '--roster', roster, '--scenario', 'tour', '--plan', tour.plan,
      '--speedup', String(SCENARIO_SPEEDUP), '--from', String(tour.straggler_ms - SCENARIO_LEAD_MS),
      '--incidents', 'straggler'], dir);
  } else {
    const t0 = Date.now();
    sim = startSim(['--hub', hub.trackers, '--roster', roster, '--cars', String(cars - 1)], dir);
    stopDrivers = driveSweepBehind(hub.osmand, roster, ids[cars - 1], t0);
  }
  const run = {
    hub, staff, roster, ids, tour,
    mode: scenario ? `scenario tour at ${SCENARIO_SPEEDUP}x from ${SCENARIO_LEAD_MS / 1000} s before: ${tour.straggler}`
      : 'circuit + phone straggler',
    async restartHub() {
      await stopProcess(run.hub.child);
      run.hub = await startHub(hubOpts);
      return run.hub;
    },
    async stop() {
      stopDrivers();
      await stopProcess(sim);
      await stopProcess(run.hub.child);
    },
  };
  return run;
}
