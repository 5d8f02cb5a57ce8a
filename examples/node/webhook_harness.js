// The harness examples/webhooks_test.go drives: one JSON request per line
// on stdin, "ok" or "error: why" per line out.
'use strict';
const readline = require('readline');
const { verifyWebhook } = require('./webhook');

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  try {
    const r = JSON.parse(line);
    verifyWebhook(r.secret, { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature },
      Buffer.from(r.body, 'utf8'), r.now);
    console.log('ok');
  } catch (e) {
    console.log('error: ' + e.message);
  }
});
