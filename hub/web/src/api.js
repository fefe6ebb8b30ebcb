// The hub's JSON API (api.md). Same origin; the session cookie set by /login authenticates every call.
// A 401 anywhere shows the "open your login link" card: the page cannot log in by itself.

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) onUnauthorized();
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new HttpError(res.status, (data && data.error) || `${res.status} ${res.statusText}`);
  return data;
}
