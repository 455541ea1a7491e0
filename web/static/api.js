// api.js: signing in, and every call to earshot's HTTP API. A page never
// keeps a token: it arrives in the URL fragment (#token=..., which browsers
// never send to a server) or a sign-in form, is handed once to
// POST /v1/session, which answers with an HttpOnly, SameSite=Strict cookie,
// and is removed from the address bar. Every later request, EventSource and
// <audio> included, carries the cookie.

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api calls path and returns its JSON. A 404 that is not earshot's JSON
// means the endpoint itself is missing on this server.
export async function api(path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...opts, headers });
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

// schema is the server's closed vocabularies (GET /v1/lexicons/schema:
// categories, severities, languages, pattern kinds, room states, pull
// schemes), fetched once per page load, so that no page hard-codes them.
// A failed fetch (not signed in yet) is tried again on the next call.
let schemaOnce = null;
export function schema() {
  if (!schemaOnce) schemaOnce = api('/v1/lexicons/schema').catch((e) => { schemaOnce = null; throw e; });
  return schemaOnce;
}

// signIn trades token for the session cookie and returns who it names.
export const signIn = (token) => api('/v1/session', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });

// session is who the page is signed in as, or null.
export async function session() {
  try {
    return await api('/v1/session');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export const signOut = (room) => api('/v1/session' + (room ? '?room=' + encodeURIComponent(room) : ''), { method: 'DELETE' });

// tokensOptional: the server runs with http.require_tokens: false (it
// says so on /healthz).
export async function tokensOptional() {
  try {
    const h = await api('/healthz');
    return (h.warnings || []).some((w) => w.includes('require_tokens'));
  } catch {
    return false;
  }
}

// takeTokenFromURL signs in with a #token= fragment (or a legacy ?token=
// query, as old overlay URLs carry) and removes it from the address bar,
// so it is neither bookmarked, nor shown on a shared screen, nor sent as a
// Referer. It returns the session, or null when the URL had no token.
export async function takeTokenFromURL() {
  const u = new URL(location.href);
  let tok = '';
  if (u.hash.startsWith('#token=')) {
    tok = decodeURIComponent(u.hash.slice('#token='.length));
    u.hash = '';
  } else if (u.searchParams.has('token')) {
    tok = u.searchParams.get('token');
    u.searchParams.delete('token');
  }
  localStorage.removeItem('earshot.token'); // kept by earlier versions
  if (!tok) return null;
  history.replaceState(null, '', u.pathname + u.search + u.hash);
  return signIn(tok);
}

// feed opens an EventSource and keeps it open: the browser retries network
// drops itself; an HTTP error closes it, so feed asks the server why
// (a rejected token stays closed), else reopens after a pause.
export function feed(path, handlers, onState) {
  let es = null;
  let timer = 0;
  let stopped = false;
  const open = () => {
    es = new EventSource(path, { withCredentials: true });
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
    const res = await fetch(path, { signal: ctl.signal, credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (res.ok) return { status: res.status, message: '' };
    const body = await res.json().catch(() => null);
    return { status: res.status, message: (body && body.error && body.error.message) || 'HTTP ' + res.status };
  } catch (e) {
    return { status: 0, message: 'server unreachable' };
  } finally {
    ctl.abort();
  }
}
