'use strict';
const net = require('node:net');

/** n distinct free TCP ports on 127.0.0.1 (all held open together, then released). */
async function freePorts(n = 1) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => (s.listening ? s.close(resolve) : resolve()))));
  }
}

module.exports = { freePorts };
