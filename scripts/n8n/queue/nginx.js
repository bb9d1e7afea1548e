'use strict';
// Debian's nginx (installed by install-services.sh) as the load balancer in front of a queue-mode
// n8n, on loopback: its configuration is written into a fresh temporary folder, it runs in the
// foreground in its own process group on a free port, and stop() ends exactly that group.
// nginxConfig() is the configuration docs/scaling.md recommends, with the hosts filled in.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const { freePorts } = require('../ports');
const { spawnGroup, tailOf, sleep } = require('./processes');

/**
 * The http{} part for n8n in queue mode: /webhook/ to the webhook processes, everything else to
 * main. Bodies and the Authorization/Algorithm headers pass untouched (nginx forwards request
 * headers and the body as received unless told otherwise); the proxy headers tell n8n (with
 * N8N_PROXY_HOPS=1) who the client was. `misconfigured` adds the two mistakes the tests show:
 * { dropAuthorization: port } serves /webhook/ but clears Authorization.
 */
/**
 * Seconds nginx waits for a webhook process's answer (docs/scaling.md says why 30). Platform
 * bodies are < 1 KiB, so sending the request never comes near it.
 */
const WEBHOOK_TIMEOUT_S = 30;
/**
 * Largest body nginx passes to the trigger: the platform's events are a few hundred bytes (under
 * 1 KiB); 64 KiB leaves 64 times that for fields the platform may add, and refuses what no
 * delivery can be (docs/scaling.md). The form's is its own limit
 * (MAX_FORM_BYTES in core/webhook/manualEntryForm.ts).
 */
const UNTIS_TRIGGER_MAX_BODY = '64k';
const UNTIS_FORM_MAX_BODY = '16k';

function nginxConfig({ listen, webhooks, main, misconfigured = {} }) {
  const proxied = (upstream, extra = [], connection = '""') =>
    [
      `proxy_pass http://${upstream};`,
      'proxy_http_version 1.1;',
      `proxy_set_header Connection ${connection};`,
      'proxy_set_header Host $http_host;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Forwarded-Host $http_host;',
      ...extra,
    ]
      .map((line) => `      ${line}`)
      .join('\n');
  const webhookProxied = (webhookExtra) =>
    proxied('n8n_webhooks', [
      // The trigger's notice: the workflow must answer within the platform's request timeout. A
      // request n8n never answers (its job died with a worker) gets 504 after this long, and the
      // platform sends it again, instead of waiting for whichever side gives up first.
      `proxy_read_timeout ${WEBHOOK_TIMEOUT_S}s;`,
      // A host that is gone without refusing (no RST) costs this much per request before the next one.
      'proxy_connect_timeout 5s;',
      `proxy_send_timeout ${WEBHOOK_TIMEOUT_S}s;`,
      ...webhookExtra,
    ]);
  const server = (port, webhookExtra = []) => `
  server {
    listen ${port};
    # n8n's limit is N8N_PAYLOAD_SIZE_MAX (16 MiB), for n8n's other webhooks and the editor.
    client_max_body_size 16m;
    # The Untis Platform Trigger (/webhook/<webhookId>/webhook): n8n inflates and parses a body
    # before the trigger verifies it, so only what the platform sends gets through: JSON, no
    # Content-Encoding (else 415), at most 64 KiB (else 413; its largest event is under 1 KiB).
    location ~ ^/webhook/[^/]+/webhook$ {
      client_max_body_size ${UNTIS_TRIGGER_MAX_BODY};
      if ($untis_trigger_body = refuse) { return 415; }
${webhookProxied(webhookExtra)}
    }
    # The Manual Entry form (/webhook/<webhookId>/form): its page (GET, no body) and its
    # urlencoded POST, no Content-Encoding, at most 16 KiB (the form's own limit).
    location ~ ^/webhook/[^/]+/form$ {
      client_max_body_size ${UNTIS_FORM_MAX_BODY};
      if ($untis_form_body = refuse) { return 415; }
${webhookProxied(webhookExtra)}
    }
    location /webhook/ {
${webhookProxied(webhookExtra)}
    }
    # n8n's /metrics (docs/monitoring.md) names every workflow and webhook path: scrape each
    # process directly on its private address, never through the public proxy.
    location = /metrics {
      return 404;
    }
    location / {
${proxied('n8n_main', ['proxy_set_header Upgrade $http_upgrade;', 'proxy_read_timeout 300s;'], '$connection_upgrade')}
    }
  }`;
  return `
  # A request nginx could not even send (connection refused: a webhook process is down) goes to
  # the next one; a POST already sent is never sent twice (nginx's default for non-idempotent
  # requests): the client gets 502 and, like the platform, sends it again.
  # max_fails=0: nginx counts a read timeout as a failure of the server, and a killed worker
  # leaves the jobs it held unanswered on every webhook process at once; with max_fails=1 both
  # were taken out for fail_timeout and every request meanwhile was answered 502 "no live upstreams".
  upstream n8n_webhooks {
${webhooks.map((w) => `    server ${w} max_fails=0;`).join('\n')}
    keepalive 32;
    # Below n8n's own idle timeout (Node's 5 s): otherwise nginx now and then reuses a connection
    # n8n is closing, and answers that POST 502 (seen in our first run: 2 to 3 of 1,000).
    keepalive_timeout 4s;
  }
  upstream n8n_main {
    server ${main};
    keepalive 8;
    keepalive_timeout 4s;
  }
  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' '';
  }
  # "<Content-Encoding>:<Content-Type>" of a request to the trigger or the form: pass or refuse.
  map "$http_content_encoding:$content_type" $untis_trigger_body {
    default refuse;
    "~*^:application/json[ \\t]*(;.*)?$" pass;
  }
  map "$http_content_encoding:$content_type" $untis_form_body {
    default refuse;
    ":" pass;
    "~*^:application/x-www-form-urlencoded[ \\t]*(;.*)?$" pass;
  }
${server(listen)}
${misconfigured.dropAuthorization ? `  # MISCONFIGURED on purpose: clears the platform's signature header.${server(misconfigured.dropAuthorization, ['proxy_set_header Authorization "";'])}` : ''}
`;
}

/** startNginx({ bin, webhooks: ['127.0.0.1:p', ...], main: '127.0.0.1:p', logFile, misconfigured: true }) */
async function startNginx({ bin, webhooks, main, logFile, misconfigured = false, startTimeoutMs = 20000 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-nginx-'));
  fs.chmodSync(dir, 0o755); // nginx's workers run as nobody when started by root
  const [port, dropPort] = await freePorts(2);
  const conf = path.join(dir, 'nginx.conf');
  const http = nginxConfig({
    listen: `127.0.0.1:${port}`,
    webhooks,
    main,
    misconfigured: misconfigured ? { dropAuthorization: `127.0.0.1:${dropPort}` } : {},
  });
  fs.writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${http}
}
`,
  );
  const proc = spawnGroup({ name: 'nginx', command: bin, args: ['-p', dir, '-c', conf, '-e', `${dir}/error.log`], cwd: dir, logFile });
  const deadline = Date.now() + startTimeoutMs;
  const listening = (p) =>
    new Promise((resolve) => {
      const socket = net.connect(p, '127.0.0.1');
      socket.on('connect', () => resolve(socket.end() && true));
      socket.on('error', () => resolve(false));
    });
  while (!(await listening(port)) || (misconfigured && !(await listening(dropPort)))) {
    if (proc.exitInfo || Date.now() > deadline) {
      await proc.stop({ timeoutMs: 5000 });
      throw new Error(`nginx did not start (${JSON.stringify(proc.exitInfo)})\n${tailOf(logFile)}\n${tailOf(`${dir}/error.log`)}`);
    }
    await sleep(100);
  }
  return {
    port,
    dir,
    conf,
    http,
    baseUrl: `http://127.0.0.1:${port}`,
    url: (p) => `http://127.0.0.1:${port}/webhook/${String(p).replace(/^\//, '')}`,
    dropAuthorizationUrl: misconfigured ? (p) => `http://127.0.0.1:${dropPort}/webhook/${String(p).replace(/^\//, '')}` : null,
    /** Lines of nginx's error log (upstream failures are logged there). */
    errorLog: () => tailOf(`${dir}/error.log`, 10000),
    accessLog: () => tailOf(`${dir}/access.log`, 100000),
    proc,
    async stop() {
      // SIGQUIT: graceful (open connections finish); SIGKILL after the timeout.
      const result = await proc.stop({ signal: 'SIGQUIT', timeoutMs: 10000 });
      fs.rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}

/**
 * The second mistake: a proxy that parses the JSON body and serialises it again (Python's
 * json.dumps spacing, as some middleware does), keeping every header. Node's http only.
 */
function startReencodingProxy({ target }) {
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        body = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))).replace(/","/g, '", "').replace(/":/g, '": '));
      } catch {
        // not JSON: passed as it is
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const out = http.request(new URL(req.url, target), { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: (p) => `http://127.0.0.1:${port}/webhook/${String(p).replace(/^\//, '')}`,
        stop: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

module.exports = { WEBHOOK_TIMEOUT_S, UNTIS_TRIGGER_MAX_BODY, UNTIS_FORM_MAX_BODY, nginxConfig, startNginx, startReencodingProxy };
