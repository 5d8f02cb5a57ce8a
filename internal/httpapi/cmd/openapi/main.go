// Command openapi writes internal/httpapi/openapi.json, generated from the
// route table and the Go types (go generate ./internal/httpapi runs it).
// With -check it writes nothing and exits 1 when the file differs.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/signet-id/signet/internal/httpapi"
)

func main() {
	out := flag.String("o", "openapi.json", "the file to write")
	check := flag.Bool("check", false, "only report whether the file is up to date")
	flag.Parse()
	doc, err := httpapi.OpenAPI()
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(2)
	}
	if *check {
		cur, err := os.ReadFile(*out)
		if err != nil || !bytes.Equal(cur, doc) {
			fmt.Fprintf(os.Stderr, "openapi: %s is not what the route table generates: run go generate ./internal/httpapi\n", *out)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(2)
	}
}
