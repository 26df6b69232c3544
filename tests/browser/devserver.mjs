// Development only: serve services/workspace at /agent/ and pass /api/ to a
// running gateway, standing in for the gateway's session API (a sign-in
// becomes Basic email:password on every proxied call). The browser test
// runs against the real gateway; this is for working on the UI alone.
//   node tests/browser/devserver.mjs PORT GATEWAY_URL [real]
// With "real", /api/ goes to the gateway untouched (its own sessions).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../services/workspace/', import.meta.url));
const [port, upstream] = [Number(process.argv[2] || 8099), new URL(process.argv[3] || 'http://127.0.0.1:8080')];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const sessions = new Map();
const real = process.argv[4] === 'real';

function cookie(req) {
  const m = /(?:^|;\s*)hd_session=([^;]+)/.exec(req.headers.cookie || '');
  return m ? sessions.get(m[1]) : null;
}

async function body(req) {
  const parts = [];
  for await (const c of req) parts.push(c);
  return Buffer.concat(parts);
}

function proxy(req, res, data, auth) {
  const headers = { ...req.headers, host: upstream.host };
  if (!real) delete headers.cookie;
  if (auth) headers.authorization = auth;
  const up = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { if (!res.headersSent) res.writeHead(502); res.end(String(e)); });
  res.on('close', () => up.destroy()); // a closed browser ends its stream upstream too
  up.end(data);
}

http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const s = cookie(req);
  if (real && url.pathname.startsWith('/api/')) { proxy(req, res, await body(req), null); return; }
  if (url.pathname === '/api/v2/hd/session') {
    if (req.method === 'POST') {
      const { session: { email, password } = {} } = JSON.parse((await body(req)).toString() || '{}');
      const auth = 'Basic ' + Buffer.from(`${email}:${password}`).toString('base64');
      const r = await fetch(new URL('/api/v2/users/me', upstream), { headers: { authorization: auth } });
      const me = (await r.json()).user;
      if (!r.ok || !me || !me.id) { res.writeHead(401, { 'content-type': 'application/json' }); res.end('{"error":"Couldn\'t authenticate you"}'); return; }
      const id = Math.random().toString(36).slice(2);
      sessions.set(id, { auth, user: me, csrf: id + 'c' });
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': `hd_session=${id}; Path=/; HttpOnly; SameSite=Lax` });
      res.end(JSON.stringify({ session: { csrf_token: id + 'c', user: me } }));
      return;
    }
    if (!s) { res.writeHead(401, { 'content-type': 'application/json' }); res.end('{"error":"Couldn\'t authenticate you"}'); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ session: { csrf_token: s.csrf, user: s.user } }));
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    if (req.method !== 'GET' && !req.headers.authorization && (!s || req.headers['x-csrf-token'] !== s.csrf)) { res.writeHead(403); res.end('{"error":"csrf"}'); return; }
    proxy(req, res, await body(req), req.headers.authorization || (s && s.auth));
    return;
  }
  if (url.pathname === '/agent') { res.writeHead(302, { location: '/agent/' }); res.end(); return; }
  if (!url.pathname.startsWith('/agent/')) { res.writeHead(404); res.end(); return; }
  const rel = normalize(url.pathname.slice(7) || 'index.html').replace(/^(\.\.[/\\])+/, '');
  try {
    const data = await readFile(join(root, rel || 'index.html'));
    res.writeHead(200, { 'content-type': TYPES[extname(rel)] || 'application/octet-stream',
      'content-security-policy': "default-src 'self'; frame-ancestors 'none'" });
    res.end(data);
  } catch { res.writeHead(404); res.end(); }
}).listen(port, '127.0.0.1', () => console.log(`devserver http://127.0.0.1:${port}/agent/ -> ${upstream}`));
