// The map: optional base tiles, the route and rally points, and layers of car markers.
// Works without tiles (plain background): everything the convoy needs is drawn as vectors.
import L from 'leaflet';
import { carLabel, esc, clock } from './format.js';

const TILE_KEY = 'convoy.tileUrl';

// The tile URL template: ?tiles=URL in the address wins (and is remembered), else the saved setting.
export function tileUrl() {
  const fromQuery = new URLSearchParams(location.search).get('tiles');
  if (fromQuery !== null) localStorage.setItem(TILE_KEY, fromQuery);
  return localStorage.getItem(TILE_KEY) || '';
}

export function saveTileUrl(url) {
  localStorage.setItem(TILE_KEY, url.trim());
}

export function createMap(element) {
  const map = L.map(element, { zoomControl: true, attributionControl: true, preferCanvas: false });
  map.setView([41.9, 12.5], 8);  // replaced by the route's bounds as soon as it loads
  const url = tileUrl();
  if (url) L.tileLayer(url, { maxZoom: 19, attribution: 'map tiles: configured source' }).addTo(map);
  return map;
}

// Draws every leg of /api/v1/route; the current leg stronger. Returns the bounds (or null: no route).
export function drawRoute(map, route) {
  const group = L.layerGroup().addTo(map);
  let bounds = null;
  (route.legs || []).forEach((leg, i) => {
    if (!leg.points || leg.points.length < 2) return;
    const current = i === route.current_leg;
    const line = L.polyline(leg.points, {
      color: current ? '#1c7ed6' : '#748ffc', weight: current ? 5 : 3, opacity: current ? 0.8 : 0.5,
    }).bindTooltip(esc(leg.name)).addTo(group);
    bounds = bounds ? bounds.extend(line.getBounds()) : line.getBounds();
    for (const r of leg.rallies || []) {
      const times = [r.arrive_utc_ms && `arrive ${clock(r.arrive_utc_ms)}`,
        r.depart_utc_ms && `depart ${clock(r.depart_utc_ms)}`].filter(Boolean).join(', ');
      L.marker([r.lat, r.lon], {
        icon: L.divIcon({ className: 'rally-icon', html: '⚑', iconSize: [20, 20], iconAnchor: [4, 18] }),
      }).bindTooltip(`${esc(r.name)}<br>${times}`).addTo(group);
    }
  });
  return bounds;
}

// A set of car markers (live cars, their dead-reckoned ghosts, or replayed cars). Markers keep their DOM
// element, and updates change only its position and classes, so a 10 Hz stream of 40 cars stays cheap.
export class CarLayer {
  constructor(map, { ghost = false } = {}) {
    this.map = map;
    this.ghost = ghost;
    this.group = L.layerGroup().addTo(map);
    this.markers = new Map();  // car id -> { marker, state, role }
  }

  // car: { id, lat?, lon?, state?, role?, name? }; lat/lon null hides the car, absent keeps it where it is.
  update(car) {
    let entry = this.markers.get(car.id);
    if (car.lat === null || car.lon === null) {
      if (entry) this.remove(car.id);
      return;
    }
    const move = car.lat !== undefined && car.lon !== undefined;
    if (!entry && !move) return;
    if (!entry) {
      const html = `<div class="car-marker${this.ghost ? ' ghost' : ''}" data-car="${esc(car.id)}">` +
        `<span class="dot"></span><span class="label">${esc(carLabel(car.id))}</span></div>`;
      const marker = L.marker([car.lat, car.lon], {
        icon: L.divIcon({ className: 'car-icon', html, iconSize: [0, 0] }),
        keyboard: false,
        zIndexOffset: this.ghost ? -100 : 0,
      });
      entry = { marker, state: null, role: null, name: null };
      this.markers.set(car.id, entry);
      marker.on('add', () => this.paint(entry));  // Leaflet rebuilds the element when re-added
      marker.addTo(this.group);
    } else if (move) {
      entry.marker.setLatLng([car.lat, car.lon]);
    }
    if (car.state !== undefined && car.state !== entry.state) entry.state = car.state;
    if (car.role !== undefined) entry.role = car.role;
    if (car.name !== undefined && car.name !== entry.name) {
      entry.name = car.name;
      entry.marker.unbindTooltip().bindTooltip(esc(car.name || car.id));
    }
    this.paint(entry);
  }

  paint(entry) {
    const div = entry.marker.getElement()?.firstElementChild;
    if (div) {
      const cls = `car-marker${this.ghost ? ' ghost' : ''} state-${entry.state || 'ok'}` +
        (entry.role === 'lead' || entry.role === 'sweep' ? ` ${entry.role}` : '');
      if (div.className !== cls) div.className = cls;
      if (entry.state) div.dataset.state = entry.state;
    }
  }

  position(id) {
    const e = this.markers.get(id);
    return e ? e.marker.getLatLng() : null;
  }

  ids() {
    return [...this.markers.keys()];
  }

  remove(id) {
    const e = this.markers.get(id);
    if (!e) return;
    this.group.removeLayer(e.marker);
    this.markers.delete(id);
  }

  clear() {
    this.group.clearLayers();
    this.markers.clear();
  }

  setVisible(visible) {
    if (visible) this.group.addTo(this.map);
    else this.group.remove();
  }
}

export { L };
