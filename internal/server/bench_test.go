package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// BenchmarkLogin measures the login handler in process for a returning
// verified user: verification, user resolution, a new session and the log
// entry, committed. BenchmarkLogin/baseline is a handler that only decodes
// the same request and writes a fixed JSON answer, measured in the same run:
// the ratio is what Signet's work costs. Compare with logins/s.
func BenchmarkLogin(b *testing.B) {
	var body []byte
	b.Run("baseline", func(b *testing.B) {
		h := http.HandlerFunc(fixedAnswer)
		body = benchBody(b, "sqlite")
		runLogins(b, h, "/v1/apps/app_aaaaaaaaaaaaaaaa/login", body)
	})
	for _, backend := range backends {
		b.Run(backend+"/signet", func(b *testing.B) {
			h, path, body := benchServer(b, backend, verify.Signet)
			runLogins(b, h, path, body)
		})
		b.Run(backend+"/intercom", func(b *testing.B) {
			h, path, body := benchServer(b, backend, verify.Intercom)
			runLogins(b, h, path, body)
		})
	}
}

// fixedAnswer is the baseline: it decodes the login body and writes a fixed
// answer, the least a login handler can do.
func fixedAnswer(w http.ResponseWriter, r *http.Request) {
	var in map[string]string
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"session_token":"sst_x","expires_at":"2026-12-21T12:00:00Z","verified":true,"anonymous":false,"user":{"id":"usr_x","identities":[]}}`)
}

func runLogins(b *testing.B, h http.Handler, path string, body []byte) {
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(body)))
		if rec.Code != 200 {
			b.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}

// benchBody is a realistic login body (a signet token).
func benchBody(b *testing.B, backend string) []byte {
	_, _, body := benchServer(b, backend, verify.Signet)
	return body
}

// benchServer starts a server in process with one app and key, logs one
// user in once (so later logins are a returning user's), and returns the
// handler, the login path and that user's login body.
func benchServer(b *testing.B, backend string, p verify.Profile) (http.Handler, string, []byte) {
	h, path, bodies := benchUsers(b, backend, p, 1)
	return h, path, bodies[0]
}

// BenchmarkLoginConcurrent measures returning verified logins of 2,000
// distinct users sent by 64 concurrent clients over real HTTP (loopback),
// so that logins share commits as they do under load; the baseline is the
// decode-and-fixed-answer handler over the same HTTP. Compare logins/s.
func BenchmarkLoginConcurrent(b *testing.B) {
	b.Run("baseline", func(b *testing.B) {
		h := http.HandlerFunc(fixedAnswer)
		_, _, bodies := benchUsers(b, "sqlite", verify.Intercom, 50)
		runConcurrentLogins(b, h, "/v1/apps/app_aaaaaaaaaaaaaaaa/login", bodies)
	})
	for _, backend := range backends {
		for _, p := range []verify.Profile{verify.Intercom, verify.Signet} {
			b.Run(backend+"/"+string(p), func(b *testing.B) {
				h, path, bodies := benchUsers(b, backend, p, 2000)
				runConcurrentLogins(b, h, path, bodies)
			})
		}
	}
}

func runConcurrentLogins(b *testing.B, h http.Handler, path string, bodies [][]byte) {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	b.SetParallelism(32) // 64 clients on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	cpu := storetest.ProcessCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := bodies[int(next.Add(1))%len(bodies)]
			res, err := client.Post(srv.URL+path, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("login: %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
	// CPU time per login, the client's included (as in the baseline's):
	// on shared cores, steadier than the wall clock.
	b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/login")
}

// benchUsers starts a server in process with one app and key, logs n users
// in once (later logins are returning ones) and returns the handler, the
// login path and their login bodies.
func benchUsers(b *testing.B, backend string, p verify.Profile, n int) (http.Handler, string, [][]byte) {
	dir := b.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "signet.db")
	if backend == "postgres" {
		dsn = storetest.PostgresURL(b)
	}
	clk := newClock()
	m, err := server.New(context.Background(), server.Config{Database: dsn, DataDir: dir, AdminToken: adminToken,
		Logger: slog.New(slog.DiscardHandler), Getenv: func(string) string { return "" }, Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	h := m.Handler()
	call := func(method, path string, in any) map[string]any {
		j, _ := json.Marshal(in)
		req := httptest.NewRequest(method, path, bytes.NewReader(j))
		req.Header.Set("Authorization", "Bearer "+adminToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code >= 300 {
			b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		return out
	}
	ws := call("POST", "/api/admin/workspaces", map[string]any{"name": "bench"})["id"].(string)
	app := call("POST", "/api/admin/workspaces/"+ws+"/apps", map[string]any{"name": "web", "platform": "web", "profile": p, "enforcement": "enforce"})["id"].(string)
	key := call("POST", "/api/admin/apps/"+app+"/keys", map[string]any{})
	path := "/v1/apps/" + app + "/login"
	bodies := make([][]byte, n)
	for i := range bodies {
		uid := fmt.Sprintf("user-%05d", i)
		in := proof(b, clk, p, app, key["id"].(string), key["secret"].(string), uid, uid+"@example.com")
		in["device_id"] = "device-" + uid
		in["app_version"] = "4.2.0"
		bodies[i], _ = json.Marshal(in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(bodies[i])))
		if rec.Code != 200 {
			b.Fatalf("first login: %d %s", rec.Code, rec.Body)
		}
	}
	return h, path, bodies
}
