// api.js: the token and every call to earshot's HTTP API.
const KEY = 'earshot.token';

export const token = () => localStorage.getItem(KEY) || '';

export function setToken(t) {
  if (t) localStorage.setItem(KEY, t); else localStorage.removeItem(KEY);
}

// takeTokenFromURL moves ?token= into storage and out of the address bar,
// so it is neither bookmarked nor shown on a shared screen.
export function takeTokenFromURL() {
  const u = new URL(location.href);
  const t = u.searchParams.get('token');
  if (!t) return;
  setToken(t);
  u.searchParams.delete('token');
  history.replaceState(null, '', u.pathname + u.search + u.hash);
}

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api calls path with the token and returns its JSON. A 404 that is not
// earshot's JSON means the endpoint itself is missing on this server.
export async function api(path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (token()) headers.Authorization = 'Bearer ' + token();
  let res;
  try {
    res = await fetch(path, { ...opts, headers });
  } catch (e) {
    throw new APIError(0, 'network', 'the server is unreachable (' + e.message + ')');
  }
  const json = (res.headers.get('content-type') || '').includes('application/json');
  const body = json ? await res.json().catch(() => null) : null;
  if (res.ok) return body;
  const err = body && body.error;
  if (!err && (res.status === 404 || res.status === 405)) {
    throw new APIError(res.status, 'missing_endpoint', path.split('?')[0] + ' is not available on this server');
  }
  throw new APIError(res.status, err ? err.code : 'http', err ? err.message : 'HTTP ' + res.status);
}

export const postJSON = (path, v) => api(path, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(v),
});

// withToken adds the stored ?token= for clients that cannot send headers
// (EventSource, <audio>), unless path carries its own (the overlay's).
export function withToken(path) {
  const u = new URL(path, location.origin);
  if (token() && !u.searchParams.has('token')) u.searchParams.set('token', token());
  return u.pathname + u.search;
}

// feed opens an EventSource and keeps it open: the browser retries network
// drops itself; an HTTP error closes it, so feed asks the server why
// (a rejected token stays closed), else reopens after a pause.
export function feed(path, handlers, onState) {
  let es = null;
  let timer = 0;
  let stopped = false;
  const open = () => {
    es = new EventSource(withToken(path));
    onState('connecting');
    es.addEventListener('ready', () => onState('live'));
    for (const [name, fn] of Object.entries(handlers)) {
      es.addEventListener(name, (ev) => {
        try { fn(JSON.parse(ev.data)); } catch (e) { console.error('earshot: bad ' + name + ' event', e); }
      });
    }
    es.onerror = async () => {
      if (stopped) return;
      if (es.readyState !== EventSource.CLOSED) { onState('reconnecting'); return; }
      const why = await diagnose(path);
      if (stopped) return;
      if (why.status === 401 || why.status === 403) { onState('denied', why.message); return; }
      onState('reconnecting', why.message);
      timer = setTimeout(open, 2000);
    };
  };
  open();
  return () => { stopped = true; clearTimeout(timer); if (es) es.close(); };
}

async function diagnose(path) {
  const ctl = new AbortController();
  try {
    const res = await fetch(withToken(path), { signal: ctl.signal, headers: { Accept: 'application/json' } });
    if (res.ok) return { status: res.status, message: '' };
    const body = await res.json().catch(() => null);
    return { status: res.status, message: (body && body.error && body.error.message) || 'HTTP ' + res.status };
  } catch (e) {
    return { status: 0, message: 'server unreachable' };
  } finally {
    ctl.abort();
  }
}
