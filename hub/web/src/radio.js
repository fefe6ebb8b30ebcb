// The convoy radio: send to all cars, one car or the group behind a split; follow each message's delivery
// ("37/40 delivered; pending: 12, 31, 40"); show what cars send (SOS, canned replies).
import { carLabel, esc, clock } from './format.js';
import { beep } from './alerts.js';

const DEFAULT_CANNED = ['Regroup at the next service area', 'Slow down, the convoy has split',
  'Stop at the next safe place and call the organizer', 'Lunch stop ahead: follow the lead car'];

// "37/40 delivered; pending: 12, 31, 40" (+ phones, which cannot confirm delivery).
export function deliveryText(m) {
  const phones = new Set(m.phones || []);
  const expected = (m.cars || []).filter((id) => !phones.has(id)).length;
  const pending = (m.pending || []).filter((id) => !phones.has(id));
  let text = `${(m.delivered || []).length}/${expected} delivered`;
  if (pending.length) text += `; pending: ${pending.map(carLabel).join(', ')}`;
  if (phones.size) text += `; ${phones.size} on phones (no receipt)`;
  return text;
}

export class RadioDesk {
  // els: { form, to, car, canned, text, error, log }; send(body) -> Promise<message>
  // onUpdate(message): after each message is shown (tests follow delivery through it).
  constructor(els, send, onUpdate = () => {}) {
    this.els = els;
    this.onUpdate = onUpdate;
    this.send = send;
    this.messages = new Map();
    this.carIds = [];
    els.to.addEventListener('change', () => { els.car.hidden = els.to.value !== 'car'; });
    els.form.addEventListener('submit', (ev) => { ev.preventDefault(); this.submit(); });
    els.canned.addEventListener('click', (ev) => {
      const b = ev.target.closest('button');
      if (b) { els.text.value = b.textContent; els.text.focus(); }
    });
    this.setCanned(DEFAULT_CANNED);
  }

  setCanned(texts) {
    this.els.canned.innerHTML = texts.map((t) => `<button type="button">${esc(t)}</button>`).join('');
  }

  setCars(ids) {
    const sorted = [...ids].sort();
    if (sorted.join() === this.carIds.join()) return;
    this.carIds = sorted;
    const keep = this.els.car.value;
    this.els.car.innerHTML = sorted.map((id) => `<option value="${esc(id)}">${esc(carLabel(id))} (${esc(id)})</option>`).join('');
    if (sorted.includes(keep)) this.els.car.value = keep;
  }

  async submit() {
    const text = this.els.text.value.trim();
    if (!text) return;
    const body = { to: this.els.to.value, text };
    if (body.to === 'car') body.car = this.els.car.value;
    this.els.error.textContent = '';
    try {
      const m = await this.send(body);
      this.els.text.value = '';
      if (m && m.id) this.apply(m);
    } catch (e) {
      this.els.error.textContent = e.status === 409 ? 'no open split: nobody is behind a split' : e.message;
    }
  }

  setAll(messages) {
    this.messages = new Map(messages.map((m) => [m.id, m]));
    this.render();
  }

  apply(m) {
    const known = this.messages.get(m.id);
    // The answer to our own POST can arrive after live updates of the same message: deliveries only
    // grow, so an older view (fewer delivered) never replaces a newer one.
    if (known && known.delivered && m.delivered && m.delivered.length < known.delivered.length) return;
    this.messages.set(m.id, m);
    if (!known && m.from_car) beep(m.kind === 'sos');
    this.render();
    this.onUpdate(m);
  }

  item(m) {
    if (m.from_car) {
      return `<div class="msg car${m.kind === 'sos' ? ' sos' : ''}" data-testid="radio-car-msg">` +
        `${clock(m.time_ms)} <strong>car ${esc(carLabel(m.from_car))}</strong>: ${esc(m.text)}</div>`;
    }
    const to = m.to === 'car' ? `car ${esc((m.cars || []).map(carLabel).join(', '))}` : m.to === 'split' ? 'group behind the split' : 'all';
    return `<div class="msg" data-msg="${esc(m.id)}" data-testid="radio-msg">${clock(m.sent_ms)} ` +
      `<strong>${esc(m.from)}</strong> → ${to}: ${esc(m.text)}<br>` +
      `<span class="delivery" data-testid="radio-delivery">${esc(deliveryText(m))}</span></div>`;
  }

  render() {
    const all = [...this.messages.values()].sort((a, b) => (b.sent_ms ?? b.time_ms ?? 0) - (a.sent_ms ?? a.time_ms ?? 0));
    this.els.log.innerHTML = all.map((m) => this.item(m)).join('') || '<em>no messages yet</em>';
  }
}
