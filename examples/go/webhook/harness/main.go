// Command harness runs the webhook snippet for examples/webhooks_test.go:
// one JSON request per line on stdin, "ok" or "error: why" per line out.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/signet-id/signet/examples/go/webhook"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		var r struct {
			Secret, ID, Timestamp, Signature, Body string
			Now                                    int64
		}
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Println("error: the request is not JSON")
			continue
		}
		h := http.Header{}
		h.Set("webhook-id", r.ID)
		h.Set("webhook-timestamp", r.Timestamp)
		h.Set("webhook-signature", r.Signature)
		if err := webhook.Verify(r.Secret, h, []byte(r.Body), time.Unix(r.Now, 0)); err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println("ok")
	}
}
