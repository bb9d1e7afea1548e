'use strict';
const zlib = require('node:zlib');

/**
 * Issue 35, item 4: a forged body n8n inflates and parses before any webhook node runs. 15 MiB of
 * `<b>1</b>` in one XML element (under N8N_PAYLOAD_SIZE_MAX's 16 MiB), gzip level 9: about 23 KB
 * on the wire. Used by bench/body-bomb.js (what it costs n8n) and the queue suite (nginx refuses it).
 */
function gzipXmlBomb() {
  const unit = '<b>1</b>';
  const xml = Buffer.from(`<a>${unit.repeat(Math.floor((15 * 1024 * 1024 - 7) / unit.length))}</a>`);
  return {
    inflatedBytes: xml.length,
    wire: zlib.gzipSync(xml, { level: 9 }),
    headers: { 'Content-Type': 'application/xml', 'Content-Encoding': 'gzip' },
  };
}

module.exports = { gzipXmlBomb };
