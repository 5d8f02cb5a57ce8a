// Checks that a webhook delivery comes from your Signet (Standard Webhooks
// signatures). Node's crypto module only.
'use strict';
const crypto = require('crypto');

const TOLERANCE_SECONDS = 5 * 60; // older deliveries are refused (replays)

// secret: the endpoint's whsec_… secret; headers: the request's headers
// (lower-case names, as Node gives them); body: the raw body exactly as
// received (a Buffer or string, before JSON.parse). Returns true, or throws.
// Keep webhook-id to drop a delivery you processed already.
function verifyWebhook(secret, headers, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (!secret.startsWith('whsec_')) throw new Error('the secret is not a whsec_ secret');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  if (!id || !/^\d+$/.test(ts || '')) throw new Error('webhook-id or webhook-timestamp is missing');
  if (Math.abs(nowSeconds - Number(ts)) > TOLERANCE_SECONDS) throw new Error('webhook-timestamp is too far from now');
  const mac = crypto.createHmac('sha256', key);
  mac.update(`${id}.${ts}.`);
  mac.update(body);
  const want = Buffer.from('v1,' + mac.digest('base64'));
  // Several signatures during a secret rotation: one matching is enough.
  for (const sig of (headers['webhook-signature'] || '').split(' ')) {
    const got = Buffer.from(sig);
    if (got.length === want.length && crypto.timingSafeEqual(got, want)) return true;
  }
  throw new Error('no signature matches');
}

module.exports = { verifyWebhook };
