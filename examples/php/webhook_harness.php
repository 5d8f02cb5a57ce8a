<?php
// The harness examples/webhooks_test.go drives: one JSON request per line on
// stdin, "ok" or "error: why" per line out.
require __DIR__ . '/signet_webhook.php';

while (($line = fgets(STDIN)) !== false) {
    if (trim($line) === '') {
        continue;
    }
    $r = json_decode($line, true);
    if (!is_array($r)) {
        echo "error: the request is not JSON\n";
        continue;
    }
    try {
        $headers = ['webhook-id' => $r['id'], 'webhook-timestamp' => $r['timestamp'], 'webhook-signature' => $r['signature']];
        signet_verify_webhook($r['secret'], $headers, $r['body'], $r['now']);
        echo "ok\n";
    } catch (InvalidArgumentException $e) {
        echo 'error: ' . $e->getMessage() . "\n";
    }
}
