// The Convoy page: live map, roster, rally point, alert desk and radio for organizer and safety staff;
// replay for organizer and marketing. State comes from the live WebSocket: the hello replaces
// everything (so a reconnect after a hub restart catches up), later messages patch it.
import 'leaflet/dist/leaflet.css';
import './style.css';
import { api, setUnauthorizedHandler } from './api.js';
import { LiveLink } from './live.js';
import { createMap, drawRoute, CarLayer, tileUrl, saveTileUrl } from './map_view.js';
import { renderRoster, renderRally, renderLength } from './roster.js';
import { AlertDesk, beep, enableSound, soundEnabled } from './alerts.js';
import { RadioDesk } from './radio.js';
import { ReplayView } from './replay.js';

const $ = (id) => document.getElementById(id);

// Test and benchmark hooks (tests/web, tests/bench/browser_latency): read-only views of the state, and
// an opt-in record of "now - fix time" for each position at the frame that shows it.
const page = {
  snapshot: null, hellos: 0, positionsApplied: 0, latencies_ms: [], recordLatency: false, clockOffset_ms: 0,
  deliveries: [],  // { id, delivered } each time a staff message is shown
  hubHealth: null,  // the snapshot's "hub" member: { journal_ok, journal_error }
};
window.convoyPage = page;

let me = null;
let map = null;
let liveCars = null;
let ghosts = null;
let alerts = null;
let radio = null;
let replay = null;
const lastFix = new Map();  // car id -> newest fix_ms seen in "positions" (between snapshots)

let loginShown = false;
function showLogin() {
  if (loginShown) return;
  loginShown = true;
  $('login').hidden = false;
  // Once the login link has been opened (another tab sets the cookie), this page carries on by itself.
  setInterval(async () => {
    const res = await fetch('/api/v1/me', { credentials: 'same-origin' });
    if (res.ok) location.reload();
  }, 3000);
}

function hubNow() {
  return Date.now() + page.clockOffset_ms;
}

function leadId(snapshot) {
  const lead = snapshot.cars.find((c) => c.role === 'lead');
  return lead ? lead.id : (snapshot.order || [])[0];
}

function follow() {
  if (!$('follow-lead').checked || !page.snapshot) return;
  const pos = liveCars.position(leadId(page.snapshot));
  if (pos) map.panTo(pos, { animate: false });
}

// The hub's journal cannot write: nothing is acknowledged until somebody frees its disk. A red banner
// while it lasts, and the alert sound once per outage (not again for each snapshot or reconnect).
let journalAlarmed = false;
function applyHubHealth(hub) {
  page.hubHealth = hub || null;
  const failing = !!hub && hub.journal_ok === false;
  const banner = $('hub-health');
  banner.hidden = !failing;
  if (!failing) {
    journalAlarmed = false;
    return;
  }
  const error = hub.journal_error || 'unknown error';
  banner.textContent =
    `The hub cannot write its recording: ${error}. Nothing is acknowledged; cars keep their fixes.`;
  if (!journalAlarmed) {
    journalAlarmed = true;
    beep(true);
  }
}

function applySnapshot(snapshot) {
  page.snapshot = snapshot;
  applyHubHealth(snapshot.hub);
  page.clockOffset_ms = snapshot.now_ms - Date.now();
  for (const c of snapshot.cars) {
    const newer = lastFix.get(c.id);
    const useSnapshot = newer == null || (c.last_fix_ms != null && c.last_fix_ms >= newer);
    const base = { id: c.id, state: c.state, role: c.role, name: c.name };
    liveCars.update(useSnapshot ? { ...base, lat: c.lat, lon: c.lon } : base);
    // A dark car: its last fix stays, and a faded marker shows where it probably is now.
    const est = c.estimated && c.estimate_lat != null;
    ghosts.update({ id: c.id, lat: est ? c.estimate_lat : null, lon: est ? c.estimate_lon : null, state: c.state });
  }
  const ids = new Set(snapshot.cars.map((c) => c.id));
  for (const id of liveCars.ids()) if (!ids.has(id)) liveCars.remove(id);
  radio.setCars(snapshot.cars.map((c) => c.id));
  renderLength($('convoy-length'), snapshot);
  renderPanels();
  follow();
}

function renderPanels() {
  if (!page.snapshot) return;
  renderRoster($('roster-table').tBodies[0], $('roster-count'), page.snapshot, hubNow(), (id) => lastFix.get(id));
  renderRally($('rally-body'), page.snapshot, hubNow());
}

function applyPositions(cars) {
  for (const p of cars) {
    liveCars.update({ id: p.id, lat: p.lat, lon: p.lon });
    const prev = lastFix.get(p.id);
    if (prev == null || p.fix_ms > prev) lastFix.set(p.id, p.fix_ms);
  }
  page.positionsApplied += cars.length;
  follow();
  if (page.recordLatency) {
    // The browser shows the new positions at its next frame: that is the moment measured.
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const p of cars) page.latencies_ms.push(now - p.fix_ms);
    });
  }
}

function onLive(msg) {
  switch (msg.type) {
    case 'hello':
      page.hellos += 1;
      lastFix.clear();
      if (msg.me) setMe(msg.me);
      applySnapshot(msg.snapshot);
      alerts.setAll(msg.alerts || []);
      radio.setAll(msg.radio || []);
      break;
    case 'positions': applyPositions(msg.cars || []); break;
    case 'convoy': applySnapshot(msg.snapshot); break;
    case 'alert': alerts.apply(msg.event, msg.alert); break;
    case 'radio': radio.apply(msg.message); break;
    default: break;  // pong and anything newer than this page
  }
}

function setMe(who) {
  me = who;
  $('me').textContent = `${who.name} (${who.role})`;
}

function setView(view) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.view === view);
  $('live-panels').hidden = view !== 'live';
  $('replay-panels').hidden = view !== 'replay';
  $('replay-bar').hidden = view !== 'replay';
  if (liveCars) { liveCars.setVisible(view === 'live'); ghosts.setVisible(view === 'live'); }
  if (view === 'replay') replay.show();
  else if (replay) replay.hide();
  document.body.dataset.view = view;
  setTimeout(() => map.invalidateSize(), 0);
}

function wireHeader() {
  $('sound').addEventListener('click', () => {
    enableSound();
    $('sound').textContent = 'sound: on';
  });
  // Any first tap unlocks audio: alerts must be heard even if nobody pressed "sound".
  document.addEventListener('pointerdown', () => {
    enableSound();
    $('sound').textContent = soundEnabled() ? 'sound: on' : 'sound: off';
  }, { once: true });
  $('settings-button').addEventListener('click', () => { $('settings').hidden = !$('settings').hidden; });
  $('tile-url').value = tileUrl();
  $('tile-save').addEventListener('click', () => {
    saveTileUrl($('tile-url').value);
    location.reload();
  });
  $('follow-lead').addEventListener('change', follow);
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => setView(b.dataset.view));
  $('roster-table').addEventListener('click', (ev) => {
    const row = ev.target.closest('tr[data-car]');
    const pos = row && liveCars.position(row.dataset.car);
    if (pos) map.setView(pos, Math.max(map.getZoom(), 14));
  });
}

async function main() {
  setUnauthorizedHandler(showLogin);
  try {
    setMe(await api('/me'));
  } catch (e) {
    if (e.status !== 401) $('me').textContent = `hub unreachable: ${e.message}`;
    return;
  }
  map = createMap($('map'));
  wireHeader();
  try {
    const bounds = drawRoute(map, await api('/route'));
    if (bounds) map.fitBounds(bounds.pad(0.05));
  } catch {
    // No route (or not allowed): cars still draw.
  }
  const live = me.role === 'organizer' || me.role === 'safety';
  const canReplay = me.role === 'organizer' || me.role === 'marketing';
  $('tab-live').hidden = !live;
  $('tab-replay').hidden = !canReplay;
  if (canReplay) {
    replay = new ReplayView(map, new CarLayer(map), {
      day: $('replay-day'), from: $('replay-from'), to: $('replay-to'), load: $('replay-load'),
      follow: $('replay-follow'), trails: $('replay-trails'), status: $('replay-status'),
      events: $('replay-events'), play: $('replay-play'), speed: $('replay-speed'), scrub: $('replay-scrub'),
      ticks: $('replay-ticks'), clock: $('replay-clock'),
    });
  }
  if (!live) {
    $('follow-lead').parentElement.hidden = true;
    $('link-state').hidden = true;
    setView('replay');
    return;
  }
  ghosts = new CarLayer(map, { ghost: true });
  liveCars = new CarLayer(map);
  alerts = new AlertDesk({ open: $('alerts-open'), history: $('alerts-history'), count: $('alert-count') }, {
    ack: (id) => api(`/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST', body: {} }),
    locate: (a) => { if (a.lat != null) map.setView([a.lat, a.lon], Math.max(map.getZoom(), 13)); },
  });
  radio = new RadioDesk({
    form: $('radio-form'), to: $('radio-to'), car: $('radio-car'), canned: $('radio-canned'),
    text: $('radio-text'), error: $('radio-error'), log: $('radio-log'),
  }, (body) => api('/radio', { method: 'POST', body }), (m) => {
    if (m.delivered) page.deliveries.push({ id: m.id, delivered: m.delivered.length });
  });
  api('/radio').then((r) => { if (r.canned?.length) radio.setCanned(r.canned); }).catch(() => {});
  new LiveLink({
    onMessage: onLive,
    onState: (up) => {
      $('link-state').textContent = up ? 'live' : 'reconnecting…';
      $('link-state').className = `link ${up ? 'up' : 'down'}`;
      $('link-state').dataset.state = up ? 'up' : 'down';
    },
    onRefused: () => api('/me').catch(() => {}),  // a 401 there shows the login card
  }).start();
  setInterval(renderPanels, 1000);  // ages of the last fix tick on between snapshots
  setView('live');
}

main();
