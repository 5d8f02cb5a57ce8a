"""The harness examples/webhooks_test.go drives: one JSON request per line
on stdin, "ok" or "error: why" per line out."""

import json
import sys

import webhook


def main():
    sys.stdin.reconfigure(encoding="utf-8")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            headers = {"webhook-id": r["id"], "webhook-timestamp": r["timestamp"], "webhook-signature": r["signature"]}
            webhook.verify_webhook(r["secret"], headers, r["body"].encode("utf-8"), r["now"])
            print("ok")
        except (ValueError, KeyError) as e:
            print("error: %s" % e)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
