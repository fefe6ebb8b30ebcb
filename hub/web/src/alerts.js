// The alert desk: open alerts first (loud: colour, flash and a beep when raised), then the full history of
// this hub run. Anyone on the desk acknowledges an alert; everyone then sees who owns it.
import { carLabel, esc, clock, metres, seconds } from './format.js';

let audio = null;
let soundOn = false;

// Browsers start audio only after a user gesture: the page calls this from the "sound" button and the
// first tap anywhere.
export function enableSound() {
  if (!audio) audio = new (window.AudioContext || window.webkitAudioContext)();
  if (audio.state === 'suspended') audio.resume();
  soundOn = true;
}

export function soundEnabled() {
  return soundOn && audio && audio.state === 'running';
}

export function beep(urgent) {
  if (!soundOn || !audio) return;
  const t0 = audio.currentTime;
  const tones = urgent ? [0, 0.25, 0.5] : [0, 0.2];
  for (const dt of tones) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = urgent ? 1175 : 880;
    gain.gain.setValueAtTime(0.0001, t0 + dt);
    gain.gain.exponentialRampToValueAtTime(0.3, t0 + dt + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + dt + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(t0 + dt);
    osc.stop(t0 + dt + 0.2);
  }
}

function figures(a) {
  const f = [];
  if (a.gap_m != null) f.push(`gap ${metres(a.gap_m)}`);
  if (a.gap_s != null) f.push(`${seconds(a.gap_s)}`);
  if (a.offset_m != null) f.push(`off ${metres(a.offset_m)}`);
  if (a.duration_s != null) f.push(`for ${seconds(a.duration_s)}`);
  return f.join(', ');
}

export class AlertDesk {
  // els: { open, history, count }; actions: { ack(id) -> Promise<alert>, locate(alert) }
  constructor(els, actions) {
    this.els = els;
    this.actions = actions;
    this.alerts = new Map();  // id -> alert
    this.fresh = new Set();   // raised while this page watched: they flash
    els.open.addEventListener('click', (ev) => this.onClick(ev));
    els.history.addEventListener('click', (ev) => this.onClick(ev));
  }

  // The whole list (hello): replaces everything, no sound (a reconnect must not ring for old alerts).
  setAll(alerts) {
    this.alerts = new Map(alerts.map((a) => [a.id, a]));
    this.render();
  }

  // One live event: raised | cleared | acknowledged.
  apply(event, alert) {
    const known = this.alerts.has(alert.id);
    this.alerts.set(alert.id, alert);
    if (event === 'raised' && !known) {
      this.fresh.add(alert.id);
      beep(alert.kind === 'SOS' || alert.kind === 'SPLIT');
    }
    this.render();
  }

  async onClick(ev) {
    const button = ev.target.closest('button[data-ack]');
    const item = ev.target.closest('[data-alert]');
    if (button) {
      button.disabled = true;
      try {
        const a = await this.actions.ack(button.dataset.ack);
        if (a && a.id) this.apply('acknowledged', a);
      } catch (e) {
        button.disabled = false;
        button.textContent = `acknowledge (${e.message})`;
      }
    } else if (item) {
      const a = this.alerts.get(item.dataset.alert);
      if (a) this.actions.locate(a);
    }
  }

  item(a) {
    const cls = `alert kind-${esc(a.kind)}${a.cleared_ms ? ' cleared' : ''}${this.fresh.has(a.id) ? ' fresh' : ''}`;
    const cars = (a.cars || []).map(carLabel).join(', ');
    const owner = a.acknowledged_by
      ? `<span class="owner" data-testid="alert-owner">acknowledged by ${esc(a.acknowledged_by)} ${clock(a.acknowledged_ms)}</span>`
      : (a.cleared_ms ? '' : `<button data-ack="${esc(a.id)}" data-testid="alert-ack">acknowledge</button>`);
    const cleared = a.cleared_ms ? ` · cleared ${clock(a.cleared_ms)}${a.cleared_by ? ` (${esc(a.cleared_by)})` : ''}` : '';
    return `<div class="${cls}" data-alert="${esc(a.id)}" data-kind="${esc(a.kind)}" data-testid="alert">` +
      `<strong>${esc(a.kind)}</strong> car ${esc(cars)}${a.text ? ` — ${esc(a.text)}` : ''}` +
      `<div class="meta">raised ${clock(a.raised_ms)}${cleared} · ${figures(a)}</div>${owner}</div>`;
  }

  render() {
    const all = [...this.alerts.values()].sort((a, b) => (b.raised_ms || 0) - (a.raised_ms || 0));
    const open = all.filter((a) => !a.cleared_ms);
    this.els.open.innerHTML = open.length ? open.map((a) => this.item(a)).join('') : '<em>no open alerts</em>';
    this.els.history.innerHTML = all.filter((a) => a.cleared_ms).map((a) => this.item(a)).join('') || '<em>none yet</em>';
    this.els.count.textContent = `(${open.length} open, ${all.length} in all)`;
  }
}
