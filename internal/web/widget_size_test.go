package web

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// TestWidgetSize: the committed widget stays within 30 KB gzipped, the
// budget a brand's page can afford.
func TestWidgetSize(t *testing.T) {
	js, err := assets.ReadFile("static/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(js)
	zw.Close()
	if n := buf.Len(); n > 30*1024 || len(js) < 1000 {
		t.Errorf("widget.js is %d bytes, %d gzipped; the budget is 30 KB gzipped", len(js), n)
	} else {
		t.Logf("widget.js: %d bytes, %d gzipped", len(js), n)
	}
}
