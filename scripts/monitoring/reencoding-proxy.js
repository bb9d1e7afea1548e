'use strict';
/*
 * A misconfigured reverse proxy on loopback, for the broken-proxy alert: it forwards every
 * request to n8n with its headers, but parses a JSON body and sends it re-encoded (indented),
 * as a proxy or gateway that "normalises" JSON does. The signature covers the exact bytes, so
 * every genuine delivery through it is refused 401 (signature_mismatch).
 *
 *   const proxy = await startReencodingProxy('http://127.0.0.1:5678'); proxy.url; await proxy.close();
 */
const http = require('node:http');

async function startReencodingProxy(target) {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        body = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2));
      } catch {
        // not JSON: passed on as it came
      }
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const out = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => {
        res.writeHead(502).end();
      });
      out.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startReencodingProxy };
