<?php
// The harness examples/snippets_test.go drives: one JSON request per line on
// stdin (see ../README.md), one line out for each: the digest or token the
// snippet makes, or "error: " and why it refused.
//
//   echo '{"profile":"intercom","secret":"…","uid":"user-42"}' | php harness.php

declare(strict_types=1);

require __DIR__ . '/signet_snippets.php';

function identities_of(array $r): array
{
    if (isset($r['identities'])) {
        return $r['identities'];
    }
    $ids = [];
    foreach (['uid', 'email'] as $type) {
        if (($r[$type] ?? '') !== '') {
            $ids[] = ['identifier' => $type, 'value' => $r[$type]];
        }
    }
    return $ids;
}

function run(array $r): string
{
    $secret = (string) ($r['secret'] ?? '');
    $iat = $r['iat'] ?? null;
    $lifetime = isset($r['iat'], $r['exp']) ? $r['exp'] - $r['iat'] : 600;
    $exp = isset($r['iat'], $r['exp']) ? $r['exp'] - $r['iat'] : null; // the lifetime where exp is optional
    switch ($r['profile'] ?? '') {
        case 'helpshift-legacy':
            return helpshift_legacy_user_hash($secret, $r['uid'] ?? null, $r['email'] ?? null, ($r['full_privacy'] ?? false) === true);
        case 'intercom':
            return intercom_user_hash($secret, $r['uid'] ?? null, $r['email'] ?? null);
        case 'akece':
            return akece_identifier_hash($secret, (string) ($r['identifier'] ?? $r['uid'] ?? ''));
        case 'pylon-hmac':
            return pylon_email_hash($secret, (string) ($r['email'] ?? ''));
        case 'helpscout':
            return help_scout_signature($secret, (string) ($r['email'] ?? ''));
        case 'front':
            return front_user_hash($secret, $r['uid'] ?? null, $r['email'] ?? null);
        case 'plain':
            return plain_email_hash($secret, (string) ($r['email'] ?? ''));
        case 'gleap':
            return gleap_user_hash($secret, (string) ($r['uid'] ?? ''));
        case 'helpshift-userhub':
            return helpshift_userhub_token($secret, identities_of($r), $iat);
        case 'pylon-jwt':
            return pylon_chat_widget_token($secret, (string) ($r['app_id'] ?? ''), (string) ($r['email'] ?? ''),
                $r['name'] ?? null, $r['attributes'] ?? [], $iat, $lifetime);
        case 'signet':
            if (($r['private_key'] ?? '') !== '') {
                return signet_identity_token_es256((string) $r['private_key'], (string) ($r['kid'] ?? ''),
                    (string) ($r['app_id'] ?? ''), identities_of($r), $r['name'] ?? null, $iat, $lifetime);
            }
            return signet_identity_token($secret, (string) ($r['kid'] ?? ''), (string) ($r['app_id'] ?? ''),
                identities_of($r), $r['name'] ?? null, $iat, $lifetime);
        case 'kustomer':
            return kustomer_token($secret, $r['uid'] ?? null, $r['email'] ?? null, $iat);
        case 'freshdesk-widget':
            return freshdesk_widget_token($secret, (string) ($r['email'] ?? ''), $r['name'] ?? null, $iat, $lifetime);
        case 'intercom-jwt':
            return intercom_messenger_token($secret, (string) ($r['uid'] ?? ''), $r['email'] ?? null, $iat, $exp);
        case 'zendesk-messaging':
            return zendesk_messaging_token($secret, (string) ($r['kid'] ?? ''), (string) ($r['uid'] ?? ''), $r['name'] ?? null,
                $r['email'] ?? null, $iat, $exp);
        case 'drift':
            return drift_user_token($secret, (string) ($r['uid'] ?? ''), $iat, $exp);
    }
    throw new InvalidArgumentException('unknown profile');
}

while (($line = fgets(STDIN)) !== false) {
    if (trim($line) === '') {
        continue;
    }
    try {
        $request = json_decode($line, true, 16, JSON_THROW_ON_ERROR);
    } catch (JsonException $e) {
        echo "error: the request is not JSON\n";
        continue;
    }
    try {
        echo run($request), "\n";
    } catch (InvalidArgumentException $e) {
        echo 'error: ', strtok($e->getMessage(), "\n"), "\n";
    }
}
