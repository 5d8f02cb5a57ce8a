<?php
// Checks that a webhook delivery comes from your Signet (Standard Webhooks
// signatures). PHP's standard functions only.

const SIGNET_WEBHOOK_TOLERANCE = 300; // seconds: older deliveries are refused (replays)

/**
 * $secret: the endpoint's whsec_... secret; $headers: webhook-id,
 * webhook-timestamp and webhook-signature; $body: the raw body exactly as
 * received (file_get_contents('php://input')), before json_decode. Returns
 * true, or throws InvalidArgumentException. Keep webhook-id to drop a
 * delivery processed already.
 */
function signet_verify_webhook(string $secret, array $headers, string $body, ?int $now = null): bool
{
    if (strncmp($secret, 'whsec_', 6) !== 0) {
        throw new InvalidArgumentException('the secret is not a whsec_ secret');
    }
    $key = base64_decode(substr($secret, 6), true);
    if ($key === false) {
        throw new InvalidArgumentException('the secret is not a whsec_ secret');
    }
    $id = (string)($headers['webhook-id'] ?? '');
    $ts = (string)($headers['webhook-timestamp'] ?? '');
    if ($id === '' || !ctype_digit($ts)) {
        throw new InvalidArgumentException('webhook-id or webhook-timestamp is missing');
    }
    $now = $now ?? time();
    if (abs($now - (int)$ts) > SIGNET_WEBHOOK_TOLERANCE) {
        throw new InvalidArgumentException('webhook-timestamp is too far from now');
    }
    $want = 'v1,' . base64_encode(hash_hmac('sha256', $id . '.' . $ts . '.' . $body, $key, true));
    // Several signatures during a secret rotation: one matching is enough.
    foreach (explode(' ', (string)($headers['webhook-signature'] ?? '')) as $sig) {
        if (hash_equals($want, $sig)) {
            return true;
        }
    }
    throw new InvalidArgumentException('no signature matches');
}
