// A development harness for the widget, until a Signet server serves
// /widget.js itself:
//
//   SIGNET_URL=http://127.0.0.1:8080 npm run dev
//
// - http://127.0.0.1:5174/widget.js serves the built widget, and every other
//   path of that origin is proxied to SIGNET_URL (so the widget's default host,
//   the origin that served it, reaches the API);
// - http://localhost:5175/page.html is a pretend brand's page on ANOTHER
//   origin that embeds the widget with the two tags of CONTRACT.md; its query
//   string becomes the boot options (appId=…&userId=…&userHash=…&accentColor=…).
//
// (The browser tests have their own harness in Go: internal/server/browser_widget_harness_test.go.)

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const WIDGET_FILE = fileURLToPath(new URL('../../../internal/web/static/widget.js', import.meta.url));

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address().port));
  });
}

/** The origin that serves widget.js and proxies the API to `signet`. */
export async function widgetServer({ signet, port = 0 }) {
  const target = new URL(signet);
  const streams = new Set(); // event streams in flight
  const connected = new Set(); // those the server has said ": connected" on (it has subscribed)
  const control = { blockEvents: false, blocked: 0 };
  const server = http.createServer(async (req, res) => {
    const path = req.url.split('?')[0];
    const isStream = path === '/v1/events' && req.method === 'GET';
    if (isStream) {
      if (control.blockEvents) {
        control.blocked++;
        res.writeHead(503, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
        return res.end('{"error":{"code":"unavailable","message":"blocked by the test"}}');
      }
      streams.add(res);
      res.on('close', () => {
        streams.delete(res);
        connected.delete(res);
      });
    }
    if (req.method === 'GET' && path === '/widget.js') {
      const js = await readFile(WIDGET_FILE);
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
      return res.end(js);
    }
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (r) => {
        res.writeHead(r.statusCode, r.headers);
        res.flushHeaders();
        if (isStream && r.statusCode === 200) {
          let head = '';
          const watch = (chunk) => {
            head += chunk;
            if (/^: connected\r?\n/m.test(head)) {
              if (!res.destroyed) connected.add(res);
              r.off('data', watch);
            }
          };
          r.on('data', watch);
        }
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    res.on('close', () => up.destroy()); // the browser left (an event stream ends)
    req.pipe(up);
  });
  const p = await listen(server, port, '127.0.0.1');
  return {
    server,
    url: `http://127.0.0.1:${p}`,
    /** blockEvents: answer GET /v1/events with 503; blocked: how many were. */
    control,
    /** Cuts the event streams in flight (for tests of reconnection). */
    dropStreams() {
      for (const r of streams) r.destroy();
    },
    streamCount: () => streams.size,
    /** Streams open on which the server has subscribed (so an event now is delivered live). */
    connectedCount: () => connected.size,
  };
}

/**
 * The brand's page, on another origin. `token(params)` may answer
 * GET /token (the brand's backend minting a fresh identity token for
 * fetchIdentityToken).
 */
export async function pageServer({ widgetUrl, port = 0, token }) {
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/token' && token) {
      try {
        const t = await token(Object.fromEntries(u.searchParams));
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return res.end(t);
      } catch {
        res.writeHead(500);
        return res.end();
      }
    }
    if (u.pathname !== '/page.html') {
      res.writeHead(404);
      return res.end();
    }
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };
    if (u.searchParams.has('_csp')) {
      // A strict brand page: no inline styles, Trusted Types, only the Signet host to talk to.
      headers['Content-Security-Policy'] =
        `default-src 'none'; script-src 'unsafe-inline' ${widgetUrl}; connect-src 'self' ${widgetUrl}; ` +
        `style-src 'self'; img-src 'none'; font-src 'none'; require-trusted-types-for 'script'`;
    }
    const tags = `<script src="${widgetUrl}/widget.js"></script>\n<script>${BOOT}</script>`;
    const head = u.searchParams.has('_head');
    res.writeHead(200, headers);
    res.end(PAGE.replace('<!--HEAD-->', head ? tags : '').replace('<!--BODY-->', head ? '' : tags));
  });
  const p = await listen(server, port, 'localhost');
  return { server, url: `http://localhost:${p}` };
}

// The boot script: the query string is the options (keys starting with _ are the harness's).
const BOOT = `
  const o = Object.fromEntries([...new URLSearchParams(location.search)].filter(([k]) => !k.startsWith('_')));
  if (o.fetchToken) {
    const q = new URLSearchParams(o.fetchToken);
    o.fetchIdentityToken = async () => {
      window.__fetched = (window.__fetched || 0) + 1;
      const r = await fetch('/token?' + q);
      if (!r.ok) throw new Error('no token');
      return r.text();
    };
    delete o.fetchToken;
  }
  window.__boot = Signet.boot(o);
`;

// The page's own styles are deliberately hostile: none of them may reach the widget.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme — a pretend brand</title>
<style>
  body { margin: 0; font: 18px/1.6 Georgia, serif; color: #333; background: #fbfaf7; }
  main { max-width: 720px; margin: 0 auto; padding: 48px 24px; }
  h1 { font-size: 40px; margin: 0 0 12px; }
  div, button, textarea { border: 3px dashed red !important; font-family: "Comic Sans MS", cursive; }
  button { background: hotpink; border-radius: 0; }
  * { letter-spacing: 2px; }
</style>
<!--HEAD-->
</head>
<body>
<main>
  <h1>Acme Outdoor</h1>
  <p>Tents, stoves and everything for the trail. This page stands for a brand's site;
     the support widget below comes from the Signet server, on another origin.</p>
  <p><a href="#">A link on the page</a></p>
</main>
<!--BODY-->
</body>
</html>
`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const signet = process.env.SIGNET_URL || 'http://127.0.0.1:8080';
  const w = await widgetServer({ signet, port: Number(process.env.WIDGET_PORT || 5174) });
  const p = await pageServer({ widgetUrl: w.url, port: Number(process.env.PAGE_PORT || 5175) });
  console.log(`widget.js: ${w.url}/widget.js (API proxied to ${signet})`);
  console.log(`brand page: ${p.url}/page.html?appId=APP_ID[&userId=…&userHash=…|&identityToken=…][&accentColor=%23…]`);
}
