// The live stream: one EventSource on /api/v2/hd/stream. Screens subscribe
// to event names (ticket, view_counts, presence, assignment, viewing); the
// browser reconnects by itself with Last-Event-ID, and after a reconnect
// every subscriber of "reconnect" refreshes in full.
const subs = new Map();
let es = null;
let opened = false;

export function on(name, fn) {
  if (!subs.has(name)) subs.set(name, new Set());
  subs.get(name).add(fn);
  return () => subs.get(name).delete(fn);
}

function emit(name, data) {
  for (const fn of subs.get(name) || []) {
    try { fn(data); } catch (e) { console.error(e); }
  }
}

export function openStream() {
  if (es) return;
  es = new EventSource('/api/v2/hd/stream', { withCredentials: true });
  for (const name of ['ticket', 'view_counts', 'presence', 'assignment', 'viewing']) {
    es.addEventListener(name, (ev) => {
      let data = null;
      try { data = JSON.parse(ev.data); } catch { data = null; }
      emit(name, data);
    });
  }
  // The server lost our place (or restarted): refresh everything.
  es.addEventListener('reset', () => emit('reconnect', null));
  es.addEventListener('open', () => {
    document.body.dataset.stream = 'open';
    if (opened) emit('reconnect', null);
    opened = true;
  });
  es.addEventListener('error', () => {
    document.body.dataset.stream = 'down';
    // A refusal (429 busy, 401) closes the EventSource for good: open a new
    // one a little later; transient drops are retried by the browser.
    if (es.readyState === EventSource.CLOSED) {
      es = null;
      setTimeout(openStream, 5000);
    }
  });
}
