package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
)

// staticBody is an embedded static file as served: its bytes, their gzip
// form (made once, at start) and a strong ETag.
type staticBody struct {
	raw, gz []byte
	etag    string
}

// compressStatic prepares every static file. A file that gzip does not
// shrink is served as is.
func compressStatic(static fs.FS) map[string]staticBody {
	out := map[string]staticBody{}
	entries, _ := fs.ReadDir(static, ".")
	for _, e := range entries {
		raw, err := fs.ReadFile(static, e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(raw)
		body := staticBody{raw: raw, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(raw)
		if zw.Close() == nil && b.Len() < len(raw) {
			body.gz = b.Bytes()
		}
		out[e.Name()] = body
	}
	return out
}

// writeStatic answers with static file name (whose bytes are raw): a 304
// when the client's If-None-Match has its ETag, gzip when the client accepts
// it. The caller has set Content-Type and Cache-Control.
func (h *handler) writeStatic(w http.ResponseWriter, r *http.Request, name string, raw []byte) {
	body, ok := h.compressed[name]
	if !ok || !bytes.Equal(body.raw, raw) {
		w.Write(raw)
		return
	}
	hd := w.Header()
	hd.Set("ETag", body.etag)
	hd.Add("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), body.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	out := body.raw
	if body.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		out = body.gz
	}
	hd.Set("Content-Length", strconv.Itoa(len(out)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(out)
}

// etagMatches reads an If-None-Match list ("*", or ETags, weak or strong).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above zero.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}
