// The workspace's only door to the server: same-origin fetch with the
// session cookie, the CSRF token on every state-changing request, JSON in
// and out, and errors that carry the API's own message.
let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

function describe(status, body) {
  if (body && typeof body === 'object') {
    const d = body.details;
    if (d && typeof d === 'object') {
      const parts = [];
      for (const [field, errs] of Object.entries(d)) {
        for (const e of [].concat(errs)) parts.push(e && e.description ? e.description : `${field}: ${e && e.error || e}`);
      }
      if (parts.length) return parts.join(' · ');
    }
    if (typeof body.description === 'string') return body.description;
    if (typeof body.error === 'string') return body.error;
    if (body.error && body.error.message) return body.error.message;
  }
  return `HTTP ${status}`;
}

export function setCsrf(token) { csrf = token || null; }

// body: an object sent as JSON, or a Blob (a File) sent as its raw bytes.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const raw = body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined || raw ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (p) => api('GET', p);
export const put = (p, b) => api('PUT', p, b);
export const post = (p, b) => api('POST', p, b);

// The CSRF token may sit at the top level or inside "session".
export function findCsrf(data) {
  if (!data || typeof data !== 'object') return null;
  return data.csrf_token || (data.session && data.session.csrf_token) || null;
}

export function findUser(data) {
  if (!data || typeof data !== 'object') return null;
  return data.user || (data.session && data.session.user) || null;
}
