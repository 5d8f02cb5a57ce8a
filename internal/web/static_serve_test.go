package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"regexp"
	"testing"
)

// TestStaticCompressedAndCached: widget.js and the dashboard's assets come
// gzipped when the client accepts it (and only then), with an ETag that
// answers 304, a Vary on Accept-Encoding, and their cache lifetimes.
func TestStaticCompressedAndCached(t *testing.T) {
	e := start(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	css := regexp.MustCompile(`/dashboard/static/dashboard\.css\?v=[0-9a-f]+`).FindString(e.browser().get("/dashboard/signin").Body)
	if css == "" {
		t.Fatal("the sign-in page links no versioned dashboard.css")
	}
	for _, c := range []struct{ path, file, cache string }{
		{"/widget.js", "static/widget.js", "public, max-age=300"},
		{css, "static/dashboard.css", "public, max-age=31536000, immutable"},
	} {
		want, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := get(c.path, "Accept-Encoding", "gzip, deflate, br")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(want) {
			t.Fatalf("%s with gzip accepted: %d, encoding %q, %d bytes of %d", c.path, resp.StatusCode, resp.Header.Get("Content-Encoding"), len(body), len(want))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := io.ReadAll(zr); !bytes.Equal(got, want) {
			t.Errorf("%s: the gzipped body is not the file", c.path)
		}
		etag := resp.Header.Get("ETag")
		if etag == "" || resp.Header.Get("Cache-Control") != c.cache || resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: ETag %q, Cache-Control %q, Vary %q", c.path, etag, resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"))
		}
		for _, ae := range []string{"", "identity", "gzip;q=0"} {
			resp, body = get(c.path, "Accept-Encoding", ae)
			if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
				t.Errorf("%s with Accept-Encoding %q: encoding %q", c.path, ae, resp.Header.Get("Content-Encoding"))
			}
		}
		if resp, body = get(c.path, "If-None-Match", etag); resp.StatusCode != 304 || len(body) != 0 {
			t.Errorf("%s with its ETag: %d, %d bytes", c.path, resp.StatusCode, len(body))
		}
		if resp, _ = get(c.path, "If-None-Match", `"other"`); resp.StatusCode != 200 {
			t.Errorf("%s with another ETag: %d", c.path, resp.StatusCode)
		}
	}
}
