// Small formatting helpers shared by the panels. Unknown figures arrive as null and print as "—".

// "car07" -> "7" (what drivers call their car); any other id is shown as it is.
export function carLabel(id) {
  const m = /^car0*(\d+)$/.exec(id);
  return m ? m[1] : id;
}

export function metres(m) {
  if (m == null) return '—';
  return Math.abs(m) >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
}

export function seconds(s) {
  if (s == null) return '—';
  s = Math.round(s);
  if (Math.abs(s) < 60) return `${s} s`;
  if (Math.abs(s) < 3600) return `${Math.floor(s / 60)} min ${Math.abs(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function clock(ms) {
  if (ms == null) return '—';
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(ms) {
  if (ms == null) return '—';
  return new Date(ms).toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' });
}

// Escapes text for innerHTML: car names, staff names and radio texts come from people.
export function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function el(tag, attrs = {}, html = '') {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (html) e.innerHTML = html;
  return e;
}
