package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bench is one run of the load generator.
type bench struct {
	cfg     Config
	runID   string
	target  string
	signet  *http.Client // Concurrency connections to Signet
	ceiling *ceiling
	toCeil  *http.Client // Concurrency connections to the ceiling
	apps    []*app
	users   []user
}

// Run sets Signet up for the bench, runs every scenario of cfg against it,
// alternating with the ceiling, and returns what it measured. The error is
// a set-up that failed; failed requests are in the report (Report.Err).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	b, err := newBench(cfg)
	if err != nil {
		return nil, err
	}
	defer b.close()
	if err := b.setUp(ctx); err != nil {
		return nil, err
	}
	return b.run(ctx)
}

func newBench(cfg Config) (*bench, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c, err := startCeiling()
	if err != nil {
		return nil, fmt.Errorf("starting the ceiling: %w", err)
	}
	return &bench{cfg: cfg, runID: newRunID(), target: strings.TrimRight(cfg.Target, "/"),
		signet: newClient(cfg.Concurrency), ceiling: c, toCeil: newClient(cfg.Concurrency)}, nil
}

func (b *bench) close() {
	b.ceiling.close()
	b.signet.CloseIdleConnections()
	b.toCeil.CloseIdleConnections()
}

func (b *bench) progress(format string, args ...any) { b.cfg.Progress(format, args...) }

// run runs the scenarios, each for Rounds rounds of ceiling then Signet.
func (b *bench) run(ctx context.Context) (*Report, error) {
	cfg := b.cfg
	rep := &Report{Target: b.target, Started: time.Now().UTC(), Users: cfg.Users, Connections: cfg.Concurrency,
		Duration: cfg.Duration.String(), Rate: cfg.Rate.String(), RSSStartKB: rss(cfg.PID)}
	for _, s := range AllScenarios() {
		if !cfg.runs(s) {
			continue
		}
		apps := []*app{nil}
		if s.perProfile() {
			apps = b.apps
		}
		for _, a := range apps {
			for round := 1; round <= cfg.Rounds; round++ {
				if err := ctx.Err(); err != nil {
					return rep, err
				}
				res, err := b.round(ctx, s, a, round)
				if err != nil {
					return rep, err
				}
				rep.Results = append(rep.Results, res)
			}
		}
	}
	rep.RSSEndKB = rss(cfg.PID)
	return rep, nil
}

// round measures the ceiling, then Signet, on one scenario.
func (b *bench) round(ctx context.Context, s Scenario, a *app, round int) (Result, error) {
	res := Result{Scenario: s, Round: round}
	if a != nil {
		res.Profile = a.profile
	}
	b.progress("%s round %d: ceiling", res.Name(), round)
	if s == Stream {
		res.Ceiling = b.fanOut(ctx, b.ceiling.url)
		b.progress("%s round %d: Signet", res.Name(), round)
		res.RSSStartKB = rss(b.cfg.PID)
		res.Signet = b.fanOut(ctx, b.target)
		res.RSSEndKB = rss(b.cfg.PID)
		res.compare()
		return res, nil
	}
	w, err := b.workload(s, a)
	if err != nil {
		return res, err
	}
	res.Ceiling = b.load(ctx, b.toCeil, b.ceiling.url, w)
	b.progress("%s round %d: Signet", res.Name(), round)
	if s == Post {
		if w, err = b.postWorkload(ctx, res.Ceiling.PerSecond); err != nil {
			return res, err
		}
	}
	res.RSSStartKB = rss(b.cfg.PID)
	res.Signet = b.load(ctx, b.signet, b.target, w)
	res.RSSEndKB = rss(b.cfg.PID)
	res.compare()
	return res, nil
}

// load measures w on one server at the configured rate: closed-loop, a
// fixed rate, or a share of the maximum measured first.
func (b *bench) load(ctx context.Context, client *http.Client, base string, w workload) Figures {
	cfg := b.cfg
	switch {
	case cfg.Rate.Fixed > 0:
		return measure(ctx, client, base, cfg.Concurrency, cfg.Duration, cfg.Rate.Fixed, w)
	case cfg.Rate.Fraction > 0:
		probe := measure(ctx, client, base, cfg.Concurrency, cfg.Duration, 0, w)
		held := cfg.Rate.Fraction * probe.PerSecond
		if probe.Failures() > 0 || held <= 0 {
			return probe // the maximum is not one to hold a share of
		}
		f := measure(ctx, client, base, cfg.Concurrency, cfg.Duration, held, w)
		f.MaxRate = probe.PerSecond
		return f
	}
	return measure(ctx, client, base, cfg.Concurrency, cfg.Duration, 0, w)
}

// workload returns the requests of scenario s (on app a, for logins).
func (b *bench) workload(s Scenario, a *app) (workload, error) {
	n := uint64(len(b.users))
	switch s {
	case Login:
		if err := b.signLogins(a); err != nil {
			return nil, err
		}
		path := "/v1/apps/" + a.id + "/login"
		return func(i uint64) (request, error) {
			return request{method: "POST", path: path, body: a.logins[i%n]}, nil
		}, nil
	case FirstLogin:
		path := "/v1/apps/" + a.id + "/login"
		var seq atomic.Uint64
		return func(uint64) (request, error) {
			k := seq.Add(1)
			uid := a.firstLoginPrefix + strconv.FormatUint(k, 10) + "-" + b.runID
			body, err := b.loginProof(a, uid, uid+"@example.com", uid)
			return request{method: "POST", path: path, body: body}, err
		}, nil
	case Read:
		return func(i uint64) (request, error) {
			return request{method: "GET", path: "/v1/issues", token: b.users[i%n].session}, nil
		}, nil
	case Post:
		pool := make([]poster, n)
		for i, u := range b.users {
			pool[i] = poster{session: u.session, path: "/v1/issues/" + u.issue + "/messages"}
		}
		return postsBy(pool), nil
	}
	return nil, fmt.Errorf("scenario %s is not a request workload", s)
}

// postsPerSession is how many messages the post scenario sends with one
// session: Signet allows 30 a minute per session.
const postsPerSession = 25

// poster is a session that posts on its user's issue.
type poster struct{ session, path string }

// postsBy sends postsPerSession messages with each session of pool in turn.
func postsBy(pool []poster) workload {
	body := []byte(`{"body":"Hello, any news on my order? (signet bench)"}`)
	return func(i uint64) (request, error) {
		p := pool[(i/postsPerSession)%uint64(len(pool))]
		return request{method: "POST", path: p.path, token: p.session, body: body}, nil
	}
}

// postWorkload logs in enough fresh sessions (spread over the users, on
// the first app) for the messages one run can send without reaching
// Signet's limit of 30 a minute per session: the run cannot outpace the
// ceiling, which was just measured (or the fixed rate).
func (b *bench) postWorkload(ctx context.Context, ceilingRate float64) (workload, error) {
	cfg := b.cfg
	rate := max(ceilingRate, cfg.Rate.Fixed)
	runs := 1.0
	if cfg.Rate.Fraction > 0 {
		runs = 2 // the maximum, then the share of it
	}
	sessions := max(len(b.users), int(1.2*rate*runs*cfg.Duration.Seconds()/postsPerSession)+1)
	b.progress("post: logging in %d fresh sessions (30 messages a minute each)", sessions)
	a := b.apps[0]
	if err := b.signLogins(a); err != nil {
		return nil, err
	}
	pool := make([]poster, sessions)
	err := b.parallel(ctx, sessions, func(j int) error {
		u := b.users[j%len(b.users)]
		var out struct {
			SessionToken string `json:"session_token"`
		}
		if err := b.call(ctx, "POST", "/v1/apps/"+a.id+"/login", "", json.RawMessage(a.logins[j%len(b.users)]), http.StatusOK, &out); err != nil {
			return fmt.Errorf("post sessions: %w", err)
		}
		pool[j] = poster{session: out.SessionToken, path: "/v1/issues/" + u.issue + "/messages"}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return postsBy(pool), nil
}

// fanOut opens Streams event streams on base with the first user's session,
// posts StreamMessages agent replies on that user's issue one after the
// other, and times each reply's arrival on every stream.
func (b *bench) fanOut(ctx context.Context, base string) Figures {
	cfg := b.cfg
	u := b.users[0]
	n, m := cfg.Streams, cfg.StreamMessages
	f := Figures{Streams: n, Expected: uint64(n * m), Statuses: map[string]uint64{}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, DisableCompression: true, Proxy: nil}}
	defer client.CloseIdleConnections()
	poster := b.signet
	if base == b.ceiling.url {
		poster = b.toCeil
	}

	marker := "signet-bench-fanout-" + b.runID + "-"
	sent := make([]time.Time, m)
	got := make([]atomic.Int64, m)
	all := make([]chan struct{}, m)
	for k := range all {
		all[k] = make(chan struct{})
	}
	arrivals := make([][]time.Time, n) // per stream, per message
	var opened, failed atomic.Int64
	var firstErr atomic.Value
	var ready, done sync.WaitGroup
	ready.Add(n)
	for s := range n {
		arrivals[s] = make([]time.Time, m)
		done.Add(1)
		go func() {
			defer done.Done()
			readyOnce := sync.OnceFunc(ready.Done)
			defer readyOnce()
			fail := func(err error) {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			}
			req, err := http.NewRequestWithContext(ctx, "GET", base+"/v1/events", nil)
			if err != nil {
				fail(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+u.session)
			resp, err := client.Do(req)
			if err != nil {
				fail(err)
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				fail(fmt.Errorf("GET /v1/events: %s", resp.Status))
				return
			}
			opened.Add(1)
			r := bufio.NewReader(resp.Body)
			for {
				line, err := r.ReadSlice('\n')
				if err != nil {
					if ctx.Err() == nil {
						fail(fmt.Errorf("a stream ended: %v", err))
					}
					return
				}
				if len(line) > 0 && line[0] == ':' {
					readyOnce() // ": connected": subscribed
					continue
				}
				data, ok := strings.CutPrefix(string(line), "data: ")
				if !ok {
					continue
				}
				_, rest, ok := strings.Cut(data, marker)
				if !ok {
					continue
				}
				end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
				if end < 0 {
					end = len(rest)
				}
				k, err := strconv.Atoi(rest[:end])
				if err != nil || k < 0 || k >= m || !arrivals[s][k].IsZero() {
					continue
				}
				arrivals[s][k] = time.Now()
				if got[k].Add(1) == int64(n) {
					close(all[k])
				}
			}
		}()
	}
	// A server that accepts streams but never answers must not hang the
	// bench: after a minute, the streams not open yet are given up.
	allReady := make(chan struct{})
	go func() { ready.Wait(); close(allReady) }()
	select {
	case <-allReady:
	case <-time.After(time.Minute):
		cancel()
		<-allReady
	}
	f.Streams = int(opened.Load())
	for k := range m {
		body, _ := json.Marshal(map[string]string{"body": marker + strconv.Itoa(k)})
		sent[k] = time.Now()
		status, err := send(ctx, poster, base, request{method: "POST", path: "/api/agent/issues/" + u.issue + "/messages", token: b.cfg.AdminToken, body: body})
		switch {
		case err != nil:
			f.Errors++
			firstErr.CompareAndSwap(nil, err.Error())
			continue
		case status < 200 || status > 299:
			f.Non2xx++
			f.Statuses[strconv.Itoa(status)]++
			continue
		}
		f.Statuses[strconv.Itoa(status)]++
		f.Requests++
		if opened.Load() == 0 {
			continue
		}
		select {
		case <-all[k]:
		case <-time.After(10 * time.Second): // counted as missing deliveries
		case <-ctx.Done():
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	done.Wait()
	start := sent[0]
	var h histogram
	for s := range arrivals {
		for k, at := range arrivals[s] {
			if !at.IsZero() {
				h.record(at.Sub(sent[k]))
				f.Deliveries++
			}
		}
	}
	f.Seconds = time.Since(start).Seconds()
	if f.Seconds > 0 {
		f.PerSecond = float64(f.Deliveries) / f.Seconds
	}
	f.Errors += uint64(failed.Load())
	if e, ok := firstErr.Load().(string); ok {
		f.FirstError = e
	}
	f.setLatencies(&h)
	return f
}

// rss is the resident memory of process pid in kB, from /proc; 0 when pid
// is 0 or cannot be read.
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	fh, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer fh.Close()
	return vmRSS(fh)
}

// vmRSS reads the VmRSS line of a /proc/PID/status file, in kB.
func vmRSS(r io.Reader) int64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// decodeJSON decodes one JSON value from r into v.
func decodeJSON(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
