package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// request is one request of a workload, built before the run where it can
// be, so sending it costs the generator little.
type request struct {
	method, path string
	token        string // the bearer token, if any
	body         []byte
}

// workload returns the i-th request of a run.
type workload func(i uint64) (request, error)

// tally is what one connection of a run saw; each connection keeps its own
// and they are added up when the run ends, so recording takes no lock.
type tally struct {
	hist     histogram
	errors   uint64
	statuses map[int]uint64
	firstErr string
}

func (t *tally) add(o *tally) {
	t.hist.merge(&o.hist)
	t.errors += o.errors
	for s, n := range o.statuses {
		t.statuses[s] += n
	}
	if t.firstErr == "" {
		t.firstErr = o.firstErr
	}
}

// newClient returns a keep-alive client for conns connections to one host.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// measure runs w against base for d: closed-loop when rate is 0 (each of the
// connections sends its next request when the last one is answered), else
// at rate requests a second, each latency measured from the time the
// request was due, so a server that falls behind is charged for the wait
// (no coordinated omission).
func measure(ctx context.Context, client *http.Client, base string, conns int, d time.Duration, rate float64, w workload) Figures {
	var next atomic.Uint64
	tallies := make([]*tally, conns)
	start := time.Now()
	deadline := start.Add(d)
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(time.Second) / rate)
	}
	var wg sync.WaitGroup
	for c := range conns {
		t := &tally{statuses: map[int]uint64{}}
		tallies[c] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				var due time.Time
				if interval > 0 {
					due = start.Add(time.Duration(i) * interval)
					if !due.Before(deadline) {
						return
					}
					if wait := time.Until(due); wait > 0 {
						time.Sleep(wait)
					}
				} else {
					due = time.Now()
					if !due.Before(deadline) {
						return
					}
				}
				r, err := w(i)
				if err == nil {
					var status int
					status, err = send(ctx, client, base, r)
					if err == nil {
						t.statuses[status]++
					}
				}
				t.hist.record(time.Since(due))
				if err != nil {
					t.errors++
					if t.firstErr == "" {
						t.firstErr = err.Error()
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	total := &tally{statuses: map[int]uint64{}}
	for _, t := range tallies {
		total.add(t)
	}
	return figuresOf(total, elapsed, rate)
}

// send sends r and reads its answer to the end (so the connection is
// reused), keeping nothing but the status.
func send(ctx context.Context, client *http.Client, base string, r request) (int, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, body)
	if err != nil {
		return 0, err
	}
	if r.body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	if r.token != "" {
		req.Header["Authorization"] = []string{"Bearer " + r.token}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

func figuresOf(t *tally, elapsed time.Duration, rate float64) Figures {
	f := Figures{Seconds: elapsed.Seconds(), HeldRate: rate, Errors: t.errors, FirstError: t.firstErr, Statuses: map[string]uint64{}}
	for s, n := range t.statuses {
		f.Requests += n
		f.Statuses[strconv.Itoa(s)] = n
		if s < 200 || s > 299 {
			f.Non2xx += n
		}
	}
	if elapsed > 0 {
		f.PerSecond = float64(f.Requests) / elapsed.Seconds()
	}
	f.setLatencies(&t.hist)
	return f
}

// ceiling is the bench's own server: a net/http handler that only decodes
// each request's JSON body and writes a fixed JSON answer, and an event
// stream that relays each agent reply to every open stream. Signet's
// figures are read against it.
type ceiling struct {
	srv  *http.Server
	url  string
	mu   sync.Mutex
	subs map[chan []byte]struct{}
}

// Fixed answers of the ceiling, shaped like Signet's.
const (
	ceilingLogin   = `{"session_token":"sst_x","expires_at":"2026-12-21T12:00:00Z","verified":true,"anonymous":false,"user":{"id":"usr_x","identities":[]}}`
	ceilingIssues  = `{"issues":[{"id":"iss_x","created_at":"2026-12-21T12:00:00Z","status":"open"}]}`
	ceilingMessage = `{"id":"msg_x","author":"user","body":"x","created_at":"2026-12-21T12:00:00Z"}`
)

func startCeiling() (*ceiling, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &ceiling{subs: map[chan []byte]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/apps/{app}/login", fixed(http.StatusOK, ceilingLogin))
	mux.HandleFunc("GET /v1/issues", fixed(http.StatusOK, ceilingIssues))
	mux.HandleFunc("POST /v1/issues/{issue}/messages", fixed(http.StatusCreated, ceilingMessage))
	mux.HandleFunc("GET /v1/events", c.events)
	mux.HandleFunc("POST /api/agent/issues/{issue}/messages", c.reply)
	c.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	c.url = "http://" + l.Addr().String()
	go c.srv.Serve(l)
	return c, nil
}

func (c *ceiling) close() { c.srv.Close() }

// fixed decodes the body, if any, and writes answer.
func fixed(status int, answer string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength != 0 {
			var in map[string]any
			if err := decodeJSON(r.Body, &in); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}
}

// events is an event stream that relays every reply.
func (c *ceiling) events(w http.ResponseWriter, r *http.Request) {
	ch := make(chan []byte, 64)
	c.mu.Lock()
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, ": connected\n\n")
	rc.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case data := <-ch:
			fmt.Fprintf(w, "event: message\ndata: %s\n\n", data)
			if rc.Flush() != nil {
				return
			}
		}
	}
}

// reply relays an agent reply to every stream.
func (c *ceiling) reply(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if err := decodeJSON(r.Body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	data := []byte(`{"id":"msg_x","author":"agent","body":` + strconv.Quote(fmt.Sprint(in["body"])) + `}`)
	c.mu.Lock()
	for ch := range c.subs {
		select {
		case ch <- data:
		default: // a stream that cannot keep up misses it, as Signet's would resync
		}
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, ceilingMessage)
}
