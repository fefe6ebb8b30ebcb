// The roster panel (cars in convoy order) and the next-rally panel, redrawn from each convoy snapshot and
// once a second for the age of the last fix. Ages use the hub's clock (snapshot.now_ms), so they stay
// right when the hub runs on fix time (simulations) or the tablet's clock is off.
import { carLabel, esc, metres, seconds, clock } from './format.js';

const STALE_S = 30;

function orderOf(snapshot) {
  const byId = new Map(snapshot.cars.map((c) => [c.id, c]));
  const ordered = (snapshot.order || []).map((id) => byId.get(id)).filter(Boolean);
  const seen = new Set(ordered.map((c) => c.id));
  const rest = snapshot.cars.filter((c) => !seen.has(c.id)).sort((a, b) => a.id.localeCompare(b.id));
  return ordered.concat(rest);
}

// lastFixMs(id): the newest fix time known for the car (positions arrive between snapshots).
export function renderRoster(tbody, countEl, snapshot, hubNowMs, lastFixMs) {
  const rows = orderOf(snapshot).map((c) => {
    const fix = lastFixMs(c.id) ?? c.last_fix_ms;
    const age = fix == null ? null : Math.max(0, (hubNowMs - fix) / 1000);
    const gap = c.gap_ahead_m == null ? '—' : `${metres(c.gap_ahead_m)} / ${seconds(c.gap_ahead_s)}`;
    const badges = [];
    if (c.source === 'phone') badges.push('<span class="badge phone" title="reports from a phone">phone</span>');
    if (c.battery_pct != null) {
      badges.push(`<span class="badge${c.low_battery ? ' low' : ''}" title="battery">${Math.round(c.battery_pct)}%</span>`);
    } else if (c.low_battery) {
      badges.push('<span class="badge low">battery low</span>');
    }
    if (c.connected === false) badges.push('<span class="badge off" title="not connected">offline</span>');
    const role = c.role === 'lead' || c.role === 'sweep' ? ` <em>${c.role}</em>` : '';
    return `<tr data-car="${esc(c.id)}" data-testid="roster-row" data-state="${esc(c.state)}">` +
      `<td>${c.order || '–'}</td>` +
      `<td title="${esc(c.id)}"><strong>${esc(carLabel(c.id))}</strong> ${esc(c.name || '')}${role}</td>` +
      `<td><span class="badge ${esc(c.state)}">${esc(c.state)}</span>${c.estimated ? ' <span title="position estimated">≈</span>' : ''}</td>` +
      `<td>${gap}</td>` +
      `<td class="${age != null && age > STALE_S ? 'stale' : ''}">${age == null ? '—' : seconds(age)}</td>` +
      `<td>${badges.join(' ')}</td></tr>`;
  });
  tbody.innerHTML = rows.join('');
  countEl.textContent = `(${snapshot.cars.length})`;
}

export function renderRally(div, snapshot, hubNowMs) {
  const r = snapshot.next_rally;
  if (!r) {
    div.textContent = snapshot.follow_the_lead ? 'Follow the lead car (no planned rally points)' : 'none ahead';
    return;
  }
  const missing = (r.missing || []).slice().sort((a, b) => (a.distance_m ?? 1e12) - (b.distance_m ?? 1e12));
  const plan = [r.arrive_utc_ms && `arrive ${clock(r.arrive_utc_ms)}`, r.depart_utc_ms && `depart ${clock(r.depart_utc_ms)}`]
    .filter(Boolean).join(' · ');
  const list = missing.slice(0, 6).map((m) => {
    const eta = m.eta_s == null ? '' : `, ETA ${clock(hubNowMs + m.eta_s * 1000)} (${seconds(m.eta_s)})`;
    return `<li>${esc(carLabel(m.id))}: ${metres(m.distance_m)}${eta}</li>`;
  }).join('');
  div.innerHTML = `<strong>${esc(r.name)}</strong> <span class="meta">${plan}</span><br>` +
    `<span data-testid="rally-counts">${(r.arrived || []).length} arrived, ${missing.length} missing</span>` +
    (list ? `<ul class="missing">${list}${missing.length > 6 ? `<li>… ${missing.length - 6} more</li>` : ''}</ul>` : '');
}

export function renderLength(span, snapshot) {
  const speed = snapshot.convoy_speed_mps == null ? '' : ` · ${Math.round(snapshot.convoy_speed_mps * 3.6)} km/h`;
  span.textContent = `${snapshot.leg_name ? snapshot.leg_name + ' · ' : ''}length ${metres(snapshot.convoy_length_m)}${speed}`;
}
