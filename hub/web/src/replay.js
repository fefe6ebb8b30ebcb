// Replay (organizer, marketing): a day or window of the recording; all cars move together at 1x-120x,
// pause, scrub, jump to an alert, follow a car, trails; alerts and radio messages on the timeline.
// Tracks come once per window (/replay/tracks, thinned to one point per step_s) and positions between two
// points are interpolated; after a seek while paused, /replay/at puts each car on its exact last fix.
import { api } from './api.js';
import { L } from './map_view.js';
import { carLabel, esc, clock, dateTime } from './format.js';

const MAX_POINTS = 150000;      // below the API's 200,000 limit
const TRAIL_MS = 10 * 60 * 1000;

function toLocalInput(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

// Index of the last point at or before t (-1 if none); points sorted by time.
function lastAtOrBefore(points, t) {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}

export class ReplayView {
  // els: ids of the replay controls (see index.html); cars: a CarLayer for replayed cars.
  constructor(map, cars, els) {
    this.map = map;
    this.cars = cars;
    this.els = els;
    this.tracks = new Map();  // id -> [[t_ms, lat, lon], ...]
    this.trails = new Map();  // id -> L.polyline
    this.trailGroup = L.layerGroup();
    this.events = { alerts: [], radio: [] };
    this.from_ms = 0;
    this.to_ms = 0;
    this.t_ms = 0;
    this.playing = false;
    this.step_s = 5;
    this.range = null;
    this.lastTrailDraw = 0;
    this.names = new Map();
    els.load.addEventListener('click', () => this.loadInputs());
    els.day.addEventListener('change', () => this.pickDay());
    els.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    els.scrub.addEventListener('input', () => {
      this.seek(this.from_ms + (this.to_ms - this.from_ms) * (els.scrub.value / 1000));
    });
    els.trails.addEventListener('change', () => this.draw(true));
    els.events.addEventListener('click', (ev) => this.onEventClick(ev));
    els.ticks.addEventListener('click', (ev) => this.onEventClick(ev));
  }

  async show() {
    this.cars.setVisible(true);
    this.trailGroup.addTo(this.map);
    if (this.range) return;
    this.els.status.textContent = 'loading the recording…';
    try {
      this.range = await api('/replay/range');
    } catch (e) {
      this.els.status.textContent = `replay unavailable: ${e.message}`;
      return;
    }
    for (const c of this.range.cars || []) this.names.set(c.id, c.name);
    this.els.follow.innerHTML = '<option value="">follow: none</option>' + (this.range.cars || [])
      .map((c) => `<option value="${esc(c.id)}">${esc(carLabel(c.id))} ${esc(c.name || '')}</option>`).join('');
    const days = this.range.days || [];
    this.els.day.innerHTML = days.map((d, i) => `<option value="${i}">${esc(d.label)}</option>`).join('') +
      '<option value="all">whole recording</option>';
    if (this.range.from_ms == null) {
      this.els.status.textContent = 'the recording is empty';
      return;
    }
    this.pickDay();
  }

  hide() {
    this.pause();
    this.cars.setVisible(false);
    this.trailGroup.remove();
  }

  pickDay() {
    const v = this.els.day.value;
    const d = v === 'all' || !this.range.days?.length ? this.range : this.range.days[Number(v)];
    this.els.from.value = toLocalInput(d.from_ms);
    this.els.to.value = toLocalInput(d.to_ms);
    this.load(d.from_ms, d.to_ms);
  }

  loadInputs() {
    const from = new Date(this.els.from.value).getTime();
    const to = new Date(this.els.to.value).getTime();
    if (!(to > from)) {
      this.els.status.textContent = 'pick a window: "to" after "from"';
      return;
    }
    this.load(from, to);
  }

  async load(from_ms, to_ms) {
    this.pause();
    const cars = Math.max(1, (this.range.cars || []).length);
    this.step_s = Math.max(5, Math.ceil((cars * (to_ms - from_ms)) / 1000 / MAX_POINTS));
    this.els.status.textContent = 'loading tracks…';
    try {
      const q = `from=${Math.floor(from_ms)}&to=${Math.ceil(to_ms)}`;
      const [tracks, events] = await Promise.all([
        api(`/replay/tracks?${q}&step_s=${this.step_s}`), api(`/replay/events?${q}`)]);
      this.tracks = new Map(tracks.cars.map((c) => [c.id, c.points]));
      this.events = { alerts: events.alerts || [], radio: events.radio || [] };
    } catch (e) {
      this.els.status.textContent = `could not load: ${e.message}`;
      return;
    }
    this.from_ms = from_ms;
    this.to_ms = to_ms;
    this.cars.clear();
    this.trailGroup.clearLayers();
    this.trails.clear();
    const points = [...this.tracks.values()].reduce((n, p) => n + p.length, 0);
    this.els.status.textContent = `${this.tracks.size} cars, ${points} points (one per ${this.step_s} s), ` +
      `${this.events.alerts.length} alerts, ${this.events.radio.length} radio messages`;
    this.renderEvents();
    this.fitTracks();
    this.seek(from_ms);
  }

  fitTracks() {
    let bounds = null;
    for (const pts of this.tracks.values()) {
      for (let i = 0; i < pts.length; i += 20) {
        const ll = L.latLng(pts[i][1], pts[i][2]);
        bounds = bounds ? bounds.extend(ll) : L.latLngBounds(ll, ll);
      }
    }
    if (bounds) this.map.fitBounds(bounds.pad(0.05));
  }

  renderEvents() {
    const span = Math.max(1, this.to_ms - this.from_ms);
    const items = [
      ...this.events.alerts.map((a) => ({ t: a.raised_ms, cls: a.kind, html: `<strong>${esc(a.kind)}</strong> car ${esc((a.cars || []).map(carLabel).join(', '))}: ${esc(a.text || '')}` })),
      ...this.events.radio.map((m) => {
        const t = m.sent_ms ?? m.time_ms;
        const who = m.from_car ? `car ${esc(carLabel(m.from_car))}` : esc(m.from);
        return { t, cls: 'radio', html: `📻 ${who}: ${esc(m.text)}` };
      }),
    ].filter((e) => e.t != null).sort((a, b) => a.t - b.t);
    this.els.events.innerHTML = items.map((e) =>
      `<div class="event" data-t="${e.t}" data-testid="replay-event">${clock(e.t)} ${e.html}</div>`).join('') || '<em>none</em>';
    this.els.ticks.innerHTML = items.map((e) =>
      `<span class="tick ${esc(e.cls)}" data-t="${e.t}" style="left:${(100 * (e.t - this.from_ms)) / span}%"></span>`).join('');
  }

  onEventClick(ev) {
    const item = ev.target.closest('[data-t]');
    if (!item) return;
    // Start a little before the event, so the lead-up is seen.
    this.seek(Math.max(this.from_ms, Number(item.dataset.t) - 20000));
    const alert = this.events.alerts.find((a) => a.raised_ms === Number(item.dataset.t));
    if (alert && alert.lat != null) this.map.panTo([alert.lat, alert.lon]);
  }

  play() {
    if (this.t_ms >= this.to_ms) this.t_ms = this.from_ms;
    this.playing = true;
    this.els.play.textContent = 'pause';
    let last = performance.now();
    const frame = (now) => {
      if (!this.playing) return;
      this.t_ms = Math.min(this.to_ms, this.t_ms + (now - last) * Number(this.els.speed.value));
      last = now;
      this.draw(false);
      if (this.t_ms >= this.to_ms) this.pause();
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  pause() {
    this.playing = false;
    this.els.play.textContent = 'play';
  }

  seek(t_ms) {
    this.t_ms = Math.min(this.to_ms, Math.max(this.from_ms, t_ms));
    this.draw(true);
    if (!this.playing) this.exactAt(this.t_ms);
  }

  // Paused: the exact last fix of each car (debounced; a newer seek wins).
  exactAt(t_ms) {
    clearTimeout(this.atTimer);
    this.atTimer = setTimeout(async () => {
      try {
        const at = await api(`/replay/at?t=${Math.round(t_ms)}`);
        if (this.playing || this.t_ms !== t_ms) return;
        for (const c of at.cars || []) {
          const pts = this.tracks.get(c.id);
          // Cars that have not started yet in this window stay hidden.
          if (pts && pts.length && t_ms >= pts[0][0]) this.cars.update({ id: c.id, lat: c.lat, lon: c.lon });
        }
      } catch {
        // The interpolated positions stay; nothing to tell the viewer.
      }
    }, 150);
  }

  positionAt(points, t) {
    const i = lastAtOrBefore(points, t);
    if (i < 0) return null;
    const a = points[i];
    const b = points[i + 1];
    if (!b || b[0] - a[0] > 3 * this.step_s * 1000) return [a[1], a[2]];
    const f = (t - a[0]) / (b[0] - a[0]);
    return [a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
  }

  draw(force) {
    const t = this.t_ms;
    for (const [id, pts] of this.tracks) {
      const p = this.positionAt(pts, t);
      this.cars.update({ id, lat: p ? p[0] : null, lon: p ? p[1] : null, name: this.names.get(id) });
    }
    const wall = performance.now();
    if (force || wall - this.lastTrailDraw > 250) {
      this.lastTrailDraw = wall;
      this.drawTrails(t);
      const follow = this.els.follow.value;
      const pos = follow && this.cars.position(follow);
      if (pos) this.map.panTo(pos, { animate: false });
    }
    const span = Math.max(1, this.to_ms - this.from_ms);
    this.els.scrub.value = String(Math.round((1000 * (t - this.from_ms)) / span));
    this.els.clock.textContent = dateTime(t);
  }

  drawTrails(t) {
    const on = this.els.trails.checked;
    for (const [id, pts] of this.tracks) {
      let line = this.trails.get(id);
      if (!on) {
        if (line) line.setLatLngs([]);
        continue;
      }
      const i = lastAtOrBefore(pts, t);
      const j = Math.max(0, lastAtOrBefore(pts, t - TRAIL_MS));
      const latlngs = i < 0 ? [] : pts.slice(j, i + 1).map((p) => [p[1], p[2]]);
      const now = this.cars.position(id);
      if (now && latlngs.length) latlngs.push(now);
      if (!line) {
        line = L.polyline(latlngs, { color: '#e8590c', weight: 2, opacity: 0.6, interactive: false }).addTo(this.trailGroup);
        this.trails.set(id, line);
      } else {
        line.setLatLngs(latlngs);
      }
    }
  }
}
