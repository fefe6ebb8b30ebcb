// The live WebSocket (/api/v1/live) with automatic reconnect. The hub may restart at any time; every
// (re)connect starts with a "hello" that carries the whole state, so the page never replays a gap itself.
// Reconnect delays grow 0.25 s -> 4 s and reset once a hello arrives.

export class LiveLink {
  // handlers: { onMessage(msg), onState(up: boolean), onRefused() } ; onRefused runs when the socket keeps
  // failing before any hello (e.g. the session expired: the caller checks /api/v1/me).
  constructor(handlers) {
    this.handlers = handlers;
    this.delay_ms = 250;
    this.failures = 0;
    this.socket = null;
    this.stopped = false;
    this.pingTimer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
    this.socket = socket;
    let gotHello = false;
    socket.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.type === 'hello') {
        gotHello = true;
        this.delay_ms = 250;
        this.failures = 0;
        this.handlers.onState(true);
      }
      this.handlers.onMessage(msg);
    };
    socket.onopen = () => {
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
      }, 20000);
    };
    socket.onclose = () => {
      clearInterval(this.pingTimer);
      this.handlers.onState(false);
      if (this.stopped || this.socket !== socket) return;
      if (!gotHello && ++this.failures >= 3) this.handlers.onRefused();
      setTimeout(() => this.connect(), this.delay_ms);
      this.delay_ms = Math.min(this.delay_ms * 2, 4000);
    };
  }
}
