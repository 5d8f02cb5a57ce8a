package loadgen

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testserver"
	"github.com/signet-id/signet/verify"
)

// startSignet runs a Signet on SQLite in this process, on the real clock
// (the bench signs tokens with it) and without logs (the bench's requests
// would fill them).
func startSignet(t *testing.T) *testserver.Server {
	t.Helper()
	dir := t.TempDir()
	return testserver.Start(t, testserver.Database(t, "sqlite", dir), dir, testserver.NewClock(), func(c *server.Config) {
		c.Now = time.Now
		c.Logger = slog.New(slog.DiscardHandler)
	})
}

// small is a bench short enough for a test: facts are asserted, never speeds.
func small(target string) Config {
	return Config{Target: target, AdminToken: testserver.AdminToken, Users: 20, Concurrency: 4,
		Duration: 150 * time.Millisecond, Rounds: 1, Streams: 5, StreamMessages: 3}
}

func checkOrdered(t *testing.T, name string, f Figures) {
	t.Helper()
	if !(f.P50 <= f.P99 && f.P99 <= f.P999 && f.P999 <= f.Max) {
		t.Errorf("%s: percentiles out of order: p50 %v p99 %v p999 %v max %v", name, f.P50, f.P99, f.P999, f.Max)
	}
	if f.Max <= 0 {
		t.Errorf("%s: no latency measured", name)
	}
}

func TestEveryScenario(t *testing.T) {
	s := startSignet(t)
	cfg := small(s.URL)
	cfg.Profiles = []verify.Profile{verify.Intercom, verify.Signet, verify.HelpshiftUserHub}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("failures in a correct set-up: %v", err)
	}
	want := map[string]bool{}
	for _, p := range cfg.Profiles {
		want["login "+string(p)] = true
		want["first-login "+string(p)] = true
	}
	want["read"], want["post"], want["stream"] = true, true, true
	for _, res := range rep.Results {
		name := res.Name()
		if !want[name] {
			t.Errorf("unexpected or repeated result %q", name)
		}
		delete(want, name)
		checkOrdered(t, name+" Signet", res.Signet)
		checkOrdered(t, name+" ceiling", res.Ceiling)
		if res.Scenario == Stream {
			for side, f := range map[string]Figures{"Signet": res.Signet, "ceiling": res.Ceiling} {
				if f.Streams != cfg.Streams || f.Expected != uint64(cfg.Streams*cfg.StreamMessages) || f.Deliveries != f.Expected {
					t.Errorf("stream on %s: %d streams, %d of %d deliveries", side, f.Streams, f.Deliveries, f.Expected)
				}
			}
			continue
		}
		if res.Signet.Requests == 0 || res.Signet.PerSecond <= 0 || res.Ceiling.Requests == 0 || res.Ceiling.PerSecond <= 0 {
			t.Errorf("%s: nothing measured: Signet %+v, ceiling %+v", name, res.Signet, res.Ceiling)
		}
		if res.ShareOfCeiling <= 0 || res.P99VsCeiling <= 0 {
			t.Errorf("%s: no ratio to the ceiling: %v, %v", name, res.ShareOfCeiling, res.P99VsCeiling)
		}
		if n := res.Signet.Statuses["200"] + res.Signet.Statuses["201"]; n != res.Signet.Requests {
			t.Errorf("%s: %d answers, %d of them 200 or 201", name, res.Signet.Requests, n)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing results: %v", want)
	}
	var table strings.Builder
	if err := rep.WriteTable(&table); err != nil || !strings.Contains(table.String(), "login signet") || strings.Contains(table.String(), "FAILURES") {
		t.Errorf("table (err %v):\n%s", err, table.String())
	}
}

// TestEveryProfile: the bench signs and logs in through every registered
// profile (its proofs follow each description, not a list of names), and
// every login is answered 200, first and returning.
func TestEveryProfile(t *testing.T) {
	s := startSignet(t)
	cfg := small(s.URL)
	cfg.Users, cfg.Duration = 4, 50*time.Millisecond
	cfg.Profiles = verify.Profiles()
	cfg.Scenarios = []Scenario{Login, FirstLogin}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("failures: %v", err)
	}
	if len(rep.Results) != 2*len(cfg.Profiles) {
		t.Errorf("%d results for %d profiles", len(rep.Results), len(cfg.Profiles))
	}
	for _, res := range rep.Results {
		if res.Signet.Requests == 0 || res.Signet.Statuses["200"] != res.Signet.Requests {
			t.Errorf("%s: %d requests, statuses %v", res.Name(), res.Signet.Requests, res.Signet.Statuses)
		}
	}
}

func TestShareOfTheMaximum(t *testing.T) {
	s := startSignet(t)
	cfg := small(s.URL)
	cfg.Scenarios = []Scenario{Read}
	cfg.Rate = Rate{Fraction: 0.5}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Figures{rep.Results[0].Signet, rep.Results[0].Ceiling} {
		if f.MaxRate <= 0 || f.HeldRate != f.MaxRate/2 || f.Requests == 0 {
			t.Errorf("held %v of a maximum of %v, %d requests", f.HeldRate, f.MaxRate, f.Requests)
		}
		checkOrdered(t, "read at 50 %", f)
	}
}

// TestWrongSecretIsAFailure breaks the set-up after it succeeded: the
// logins are signed with a secret Signet does not know, so they answer 401
// (then 429), and the report must say so.
func TestWrongSecretIsAFailure(t *testing.T) {
	s := startSignet(t)
	cfg := small(s.URL)
	cfg.Profiles = []verify.Profile{verify.Intercom}
	cfg.Scenarios = []Scenario{Login}
	b, err := newBench(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if err := b.setUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.apps[0].secret = "a-secret-nobody-gave-signet-0123456789"
	rep, err := b.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Results[0].Signet
	if f.Non2xx == 0 || f.Non2xx != f.Requests || f.Statuses["401"] == 0 {
		t.Errorf("wrong secret: %d of %d non-2xx, statuses %v", f.Non2xx, f.Requests, f.Statuses)
	}
	if rep.Failures() == 0 || rep.Err() == nil || !strings.Contains(rep.Err().Error(), "401") {
		t.Errorf("failures %d, err %v", rep.Failures(), rep.Err())
	}
	if rep.Results[0].Ceiling.Failures() != 0 {
		t.Errorf("the ceiling failed too: %+v", rep.Results[0].Ceiling)
	}
	var table strings.Builder
	rep.WriteTable(&table)
	if !strings.Contains(table.String(), "FAILURES") {
		t.Errorf("the table hides the failures:\n%s", table.String())
	}
}

func TestSetUpFailures(t *testing.T) {
	s := startSignet(t)
	for name, cfg := range map[string]Config{
		"wrong admin token": {Target: s.URL, AdminToken: "not-the-token-0123456789abcdef0123456789"},
		"nothing listening": {Target: "http://127.0.0.1:1", AdminToken: testserver.AdminToken},
		"no target":         {AdminToken: testserver.AdminToken},
		"unknown scenario":  {Target: s.URL, AdminToken: testserver.AdminToken, Scenarios: []Scenario{"logout"}},
		"unknown profile":   {Target: s.URL, AdminToken: testserver.AdminToken, Profiles: []verify.Profile{"zendesk"}},
	} {
		if rep, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("%s: no error, report %+v", name, rep)
		}
	}
}

func TestHistogram(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {0.999, 999 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := h.quantile(c.q)
		if got < c.want || float64(got) > float64(c.want)*1.016 {
			t.Errorf("quantile %v = %v, want %v within 1.6 %% above", c.q, got, c.want)
		}
	}
	if h.max != time.Millisecond || h.n != 1000 {
		t.Errorf("max %v, n %d", h.max, h.n)
	}
	for _, v := range []uint64{0, 1, 63, 64, 65, 127, 128, 1 << 40, 1<<63 - 1} {
		if i := bucketOf(v); upperBound(i) < v || (i > 0 && upperBound(i-1) >= v) {
			t.Errorf("value %d in bucket %d of bound %d", v, i, upperBound(i))
		}
	}
}

func TestVmRSS(t *testing.T) {
	status := "Name:\tsignet\nVmPeak:\t  900000 kB\nVmRSS:\t   53124 kB\nThreads:\t9\n"
	if got := vmRSS(strings.NewReader(status)); got != 53124 {
		t.Errorf("VmRSS = %d", got)
	}
}
