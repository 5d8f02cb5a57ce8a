package jwks_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/jwks"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// brand is a brand's JWKS server on loopback HTTPS: what it answers can
// change between fetches.
type brand struct {
	srv   *httptest.Server
	mu    sync.Mutex
	body  string
	hdr   map[string]string
	delay time.Duration
	code  int
	hits  atomic.Int32
}

func newBrand(t *testing.T) *brand {
	b := &brand{code: 200}
	b.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		b.mu.Lock()
		body, hdr, delay, code := b.body, b.hdr, b.delay, b.code
		b.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *brand) serve(body string, hdr map[string]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.body, b.hdr, b.delay, b.code = body, hdr, 0, 200
}

func (b *brand) url() string { return b.srv.URL + "/.well-known/jwks.json" }

// okp is the JWK of a new Ed25519 key.
func okp(kid string) string {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	return `{"kty":"OKP","crv":"Ed25519","kid":"` + kid + `","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
}

func set(keys ...string) string { return `{"keys":[` + strings.Join(keys, ",") + `]}` }

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	st    store.Store
	app   *model.App
	f     *jwks.Fetcher
	brand *brand
	clock *clock
}

func setup(t *testing.T, open func(*testing.T) store.Store, allow string) *fixture {
	t.Helper()
	st := open(t)
	ctx := t.Context()
	now := time.Now().Truncate(time.Millisecond)
	w := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: now}
	if err := st.CreateWorkspace(ctx, w, nil); err != nil {
		t.Fatal(err)
	}
	b := newBrand(t)
	a := &model.App{ID: model.NewID("app"), WorkspaceID: w.ID, Name: "Acme web", Platform: model.PlatformWeb,
		Profile: verify.Signet, Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject,
		MaxTokenLifetime: 3600, CreatedAt: now, UpdatedAt: now, JWKSURL: b.url()}
	if err := st.CreateApp(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	master := make([]byte, 32)
	rand.Read(master)
	box, _ := secretbox.New(master)
	policy, err := outbound.ParsePolicy(allow)
	if err != nil {
		t.Fatal(err)
	}
	policy.RootCAs = b.srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c := &clock{now: now}
	f := jwks.New(st, box, policy, nil)
	f.Now, f.Timeout, f.MaxBytes = c.Now, 500*time.Millisecond, 4<<10
	t.Cleanup(f.Close)
	return &fixture{st: st, app: a, f: f, brand: b, clock: c}
}

// kids are the app's keys that verify now, by kid.
func (x *fixture) kids(t *testing.T) []string {
	t.Helper()
	keys, err := x.st.AppKeys(t.Context(), x.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		if k.Verifies(x.clock.Now()) {
			out = append(out, k.Kid)
		}
	}
	return out
}

func each(t *testing.T, f func(t *testing.T, open func(*testing.T) store.Store)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open) })
	}
}

// A set rotated at the brand: added keys verify, dropped ones stop; the
// fetch is recorded.
func TestFetchRotation(t *testing.T) {
	each(t, func(t *testing.T, open func(*testing.T) store.Store) {
		x := setup(t, open, "127.0.0.1")
		ctx := t.Context()
		a, b := okp("2026-11"), okp("2026-12")
		x.brand.serve(set(a), map[string]string{"Cache-Control": "public, max-age=600"})
		rec, err := x.f.Fetch(ctx, x.app)
		if err != nil {
			t.Fatal(err)
		}
		if rec.KeyCount != 1 || rec.Error != "" || rec.FetchedAt == nil || rec.URL != x.brand.url() {
			t.Fatalf("record %+v", rec)
		}
		if got := x.kids(t); len(got) != 1 || got[0] != "2026-11" {
			t.Fatalf("keys %v", got)
		}
		x.brand.serve(set(a, b), nil)
		x.clock.add(time.Second)
		if _, err := x.f.Fetch(ctx, x.app); err != nil {
			t.Fatal(err)
		}
		if got := x.kids(t); len(got) != 2 {
			t.Fatalf("after adding: %v", got)
		}
		x.brand.serve(set(b), nil)
		x.clock.add(time.Second)
		if _, err := x.f.Fetch(ctx, x.app); err != nil {
			t.Fatal(err)
		}
		if got := x.kids(t); len(got) != 1 || got[0] != "2026-12" {
			t.Fatalf("after dropping: %v", got)
		}
	})
}

// Every kind of bad set is a recorded failure that keeps the last good set.
func TestFetchFailuresKeepTheLastGoodSet(t *testing.T) {
	each(t, func(t *testing.T, open func(*testing.T) store.Store) {
		x := setup(t, open, "127.0.0.1")
		ctx := t.Context()
		good := okp("good")
		x.brand.serve(set(good), nil)
		if _, err := x.f.Fetch(ctx, x.app); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, want string
			arrange    func()
		}{
			{"not JSON", "not a JSON object", func() { x.brand.serve("<html>maintenance</html>", nil) }},
			{"served as HTML", "not JSON", func() { x.brand.serve(set(good), map[string]string{"Content-Type": "text/html"}) }},
			{"duplicate kids", `lists kid "dup" twice`, func() { x.brand.serve(set(okp("dup"), okp("dup")), nil) }},
			{"an oct key", "symmetric (oct)", func() { x.brand.serve(set(`{"kty":"oct","kid":"s","k":"c2VjcmV0"}`), nil) }},
			{"a private key", "private key material", func() {
				x.brand.serve(set(strings.TrimSuffix(okp("p"), "}")+`,"d":"AAAA"}`), nil)
			}},
			{"too large", "larger than 4 KiB", func() { x.brand.serve(set(okp("big"))+strings.Repeat(" ", 5000), nil) }},
			{"HTTP 500", "HTTP 500", func() { x.brand.serve(set(good), nil); x.brand.mu.Lock(); x.brand.code = 500; x.brand.mu.Unlock() }},
			{"too slow", "did not answer within", func() {
				x.brand.serve(set(good), nil)
				x.brand.mu.Lock()
				x.brand.delay = 3 * time.Second
				x.brand.mu.Unlock()
			}},
		}
		for i, c := range cases {
			c.arrange()
			x.clock.add(time.Second)
			start := time.Now()
			_, err := x.f.Fetch(ctx, x.app)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s: took %v", c.name, d)
			}
			rec, rerr := x.st.JWKSFetch(ctx, x.app.ID)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if !strings.Contains(rec.Error, c.want) || rec.Failures != i+1 || rec.KeyCount != 1 || rec.FetchedAt == nil {
				t.Errorf("%s: record %+v", c.name, rec)
			}
			if got := x.kids(t); len(got) != 1 || got[0] != "good" {
				t.Errorf("%s: the last good set was not kept: %v", c.name, got)
			}
		}
		// Good again: the failure count starts over.
		x.brand.serve(set(good), nil)
		rec, err := x.f.Fetch(ctx, x.app)
		if err != nil || rec.Failures != 0 || rec.Error != "" {
			t.Fatalf("recovered: %+v %v", rec, err)
		}
	})
}

// Without the operator's allow list, a JWKS on loopback is never reached,
// nor one behind a redirect to another host.
func TestFetchSSRFRefused(t *testing.T) {
	each(t, func(t *testing.T, open func(*testing.T) store.Store) {
		x := setup(t, open, "")
		x.brand.serve(set(okp("a")), nil)
		_, err := x.f.Fetch(t.Context(), x.app)
		if err == nil || !strings.Contains(err.Error(), "loopback address") {
			t.Fatalf("a loopback JWKS: %v", err)
		}
		if x.brand.hits.Load() != 0 {
			t.Fatal("the loopback server was reached")
		}
		if got := x.kids(t); len(got) != 0 {
			t.Fatalf("keys %v", got)
		}
		if err := x.f.CheckURL("http://brand.example/jwks.json"); err == nil {
			t.Fatal("plain http accepted")
		}
		// Allowed by address, the server redirects to another host name.
		y := setup(t, open, "127.0.0.1")
		u, _ := url.Parse(y.brand.srv.URL)
		other := httptest.NewTLSServer(http.RedirectHandler("https://localhost:"+u.Port()+"/x", http.StatusFound))
		defer other.Close()
		y.f.Policy.RootCAs = other.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
		y.app.JWKSURL = other.URL + "/jwks.json"
		if _, err := y.f.Fetch(t.Context(), y.app); err == nil || !strings.Contains(err.Error(), "another host") {
			t.Fatalf("a redirect to another host: %v", err)
		}
	})
}

// On an unknown kid, one refetch per interval per app; the set's age
// comes from Cache-Control, between the floor and the ceiling.
func TestRefetchAndMaintain(t *testing.T) {
	each(t, func(t *testing.T, open func(*testing.T) store.Store) {
		x := setup(t, open, "127.0.0.1")
		ctx := t.Context()
		x.brand.serve(set(okp("a")), map[string]string{"Cache-Control": "max-age=5"}) // under the floor: 1 minute
		if !x.f.Refetch(ctx, x.app) {
			t.Fatal("a first refetch changed nothing")
		}
		x.brand.serve(set(okp("a"), okp("b")), map[string]string{"Cache-Control": "max-age=5"})
		if x.f.Refetch(ctx, x.app) {
			t.Fatal("a second refetch within the interval fetched")
		}
		if n := x.brand.hits.Load(); n != 1 {
			t.Fatalf("%d fetches, want 1", n)
		}
		x.clock.add(jwks.DefaultRefetchEvery + time.Second)
		if !x.f.Refetch(ctx, x.app) || len(x.kids(t)) != 2 {
			t.Fatalf("a refetch after the interval: %v", x.kids(t))
		}
		// Maintain: not before the age runs out (the floor), then in the background.
		hits := x.brand.hits.Load()
		x.f.Maintain(x.app)
		time.Sleep(50 * time.Millisecond)
		if x.brand.hits.Load() != hits {
			t.Fatal("Maintain fetched before the set's age ran out")
		}
		x.clock.add(jwks.DefaultMinAge + time.Second)
		x.f.Maintain(x.app)
		deadline := time.Now().Add(5 * time.Second)
		for x.brand.hits.Load() == hits && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if x.brand.hits.Load() != hits+1 {
			t.Fatal("Maintain did not fetch once the age ran out")
		}
	})
}

func TestCacheAge(t *testing.T) {
	x := setup(t, storetest.SQLite, "127.0.0.1")
	for _, c := range []struct {
		header string
		want   time.Duration
	}{
		{"", jwks.DefaultAge},
		{"max-age=5", jwks.DefaultMinAge},
		{"public, max-age=3600", time.Hour},
		{"max-age=99999999999", jwks.DefaultMaxAge},
		{"no-store", jwks.DefaultMinAge},
		{"max-age=-3", jwks.DefaultAge},
	} {
		x.brand.serve(set(okp("a")), map[string]string{"Cache-Control": c.header})
		start := x.clock.Now()
		if _, err := x.f.Fetch(t.Context(), x.app); err != nil {
			t.Fatal(err)
		}
		// Due exactly when the age runs out: a second before, Maintain does nothing.
		hits := x.brand.hits.Load()
		x.clock.add(c.want - time.Second)
		x.f.Maintain(x.app)
		time.Sleep(30 * time.Millisecond)
		if x.brand.hits.Load() != hits {
			t.Errorf("%q: due before %v", c.header, c.want)
		}
		x.clock.add(2 * time.Second)
		x.f.Maintain(x.app)
		deadline := time.Now().Add(5 * time.Second)
		for x.brand.hits.Load() == hits && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if x.brand.hits.Load() == hits {
			t.Errorf("%q: not due after %v", c.header, x.clock.Now().Sub(start))
		}
		for x.f.Busy(x.app) {
			time.Sleep(5 * time.Millisecond)
		}
	}
}
