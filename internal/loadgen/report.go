package loadgen

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/signet-id/signet/verify"
)

// Figures are what one run against one server measured.
type Figures struct {
	// Requests answered (any status); Errors are requests that got no
	// answer (refused, reset, timed out).
	Requests uint64 `json:"requests"`
	Errors   uint64 `json:"errors"`
	// FirstError describes the first of Errors.
	FirstError string `json:"first_error,omitempty"`
	// Non2xx counts the answers outside 200–299; Statuses counts them all.
	Non2xx   uint64            `json:"non_2xx"`
	Statuses map[string]uint64 `json:"statuses"`
	Seconds  float64           `json:"seconds"`
	// PerSecond is answers a second over the run.
	PerSecond float64 `json:"per_second"`
	// HeldRate is the rate a fixed-rate run was asked to hold (0: closed
	// loop); MaxRate the closed-loop maximum measured just before it, when
	// the rate is a share of the maximum.
	HeldRate float64 `json:"held_rate,omitempty"`
	MaxRate  float64 `json:"max_rate,omitempty"`
	// Latencies, in milliseconds: of requests, from the moment each was due;
	// of the stream scenario, from sending a reply to a stream receiving it.
	P50  float64 `json:"p50_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p999_ms"`
	Max  float64 `json:"max_ms"`
	// Streams opened, and Deliveries of Expected (streams × messages): the
	// stream scenario only.
	Streams    int    `json:"streams,omitempty"`
	Deliveries uint64 `json:"deliveries,omitempty"`
	Expected   uint64 `json:"expected,omitempty"`
}

func (f *Figures) setLatencies(h *histogram) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	f.P50, f.P99, f.P999, f.Max = ms(h.quantile(0.50)), ms(h.quantile(0.99)), ms(h.quantile(0.999)), ms(h.max)
}

// Failures counts what went wrong: non-2xx answers, requests without an
// answer, and stream deliveries that never came.
func (f Figures) Failures() uint64 {
	return f.Non2xx + f.Errors + (f.Expected - min(f.Deliveries, f.Expected))
}

// Result is one round of one scenario: Signet and the ceiling, measured
// back to back with the same generator.
type Result struct {
	Scenario Scenario       `json:"scenario"`
	Profile  verify.Profile `json:"profile,omitempty"`
	Round    int            `json:"round"`
	Signet   Figures        `json:"signet"`
	Ceiling  Figures        `json:"ceiling"`
	// ShareOfCeiling is Signet's requests a second over the ceiling's
	// (0 for the stream scenario, which is timed, not counted).
	ShareOfCeiling float64 `json:"share_of_ceiling"`
	// P99VsCeiling is Signet's p99 over the ceiling's.
	P99VsCeiling float64 `json:"p99_vs_ceiling"`
	// RSSStartKB and RSSEndKB are the server's resident memory before and
	// after Signet's run, when its process id was given.
	RSSStartKB int64 `json:"rss_start_kb,omitempty"`
	RSSEndKB   int64 `json:"rss_end_kb,omitempty"`
}

// Name is the scenario and, for logins, the profile.
func (r Result) Name() string {
	if r.Profile != "" {
		return string(r.Scenario) + " " + string(r.Profile)
	}
	return string(r.Scenario)
}

func (r *Result) compare() {
	if r.Scenario != Stream && r.Ceiling.PerSecond > 0 {
		r.ShareOfCeiling = r.Signet.PerSecond / r.Ceiling.PerSecond
	}
	if r.Ceiling.P99 > 0 {
		r.P99VsCeiling = r.Signet.P99 / r.Ceiling.P99
	}
}

// Report is everything one bench run measured.
type Report struct {
	Target      string    `json:"target"`
	Started     time.Time `json:"started"`
	Users       int       `json:"users"`
	Connections int       `json:"connections"`
	Duration    string    `json:"duration"`
	Rate        string    `json:"rate"`
	Results     []Result  `json:"results"`
	// RSSStartKB and RSSEndKB are the server's resident memory at the
	// start and end of the whole bench, when its process id was given.
	RSSStartKB int64 `json:"rss_start_kb,omitempty"`
	RSSEndKB   int64 `json:"rss_end_kb,omitempty"`
}

// Failures counts the failures of every run, Signet's and the ceiling's.
func (r *Report) Failures() uint64 {
	var n uint64
	for _, res := range r.Results {
		n += res.Signet.Failures() + res.Ceiling.Failures()
	}
	return n
}

// Err says what failed, or is nil when every request got a 2xx answer and
// every stream every message.
func (r *Report) Err() error {
	var msgs []string
	for _, res := range r.Results {
		for _, side := range []struct {
			name string
			f    Figures
		}{{"Signet", res.Signet}, {"the ceiling", res.Ceiling}} {
			f := side.f
			if f.Failures() == 0 {
				continue
			}
			m := fmt.Sprintf("%s round %d on %s: %d non-2xx %v, %d without answer", res.Name(), res.Round, side.name, f.Non2xx, non2xx(f.Statuses), f.Errors)
			if f.Expected > 0 {
				m += fmt.Sprintf(", %d of %d deliveries missing", f.Expected-min(f.Deliveries, f.Expected), f.Expected)
			}
			if f.FirstError != "" {
				m += " (first: " + f.FirstError + ")"
			}
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}

func non2xx(statuses map[string]uint64) string {
	var parts []string
	for s, n := range statuses {
		if !strings.HasPrefix(s, "2") {
			parts = append(parts, fmt.Sprintf("%s×%d", s, n))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// WriteTable writes the report for a person: one line per round of each
// scenario, Signet's figures with the ceiling's beside them.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "signet bench: %s, %d users, %d connections, %s a run, rate %s\n\n", r.Target, r.Users, r.Connections, r.Duration, r.Rate)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tround\treq/s\tp50 ms\tp99 ms\tp999 ms\tmax ms\tnon-2xx\terrors\t\tceiling req/s\tceiling p99 ms\tshare\tp99 ×ceiling\tRSS MB start→end\t")
	for _, res := range r.Results {
		s, c := res.Signet, res.Ceiling
		rate, crate, share := num(s.PerSecond), num(c.PerSecond), fmt.Sprintf("%.1f %%", 100*res.ShareOfCeiling)
		if res.Scenario == Stream {
			rate = fmt.Sprintf("%d/%d got", s.Deliveries, s.Expected)
			crate = fmt.Sprintf("%d/%d got", c.Deliveries, c.Expected)
			share = "—"
		}
		failed := s.Non2xx + (s.Expected - min(s.Deliveries, s.Expected))
		rss := ""
		if res.RSSStartKB > 0 {
			rss = fmt.Sprintf("%.0f→%.0f", float64(res.RSSStartKB)/1024, float64(res.RSSEndKB)/1024)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%d\t\t%s\t%.2f\t%s\t%.1f×\t%s\t\n",
			res.Name(), res.Round, rate, s.P50, s.P99, s.P999, s.Max, failed, s.Errors, crate, c.P99, share, res.P99VsCeiling, rss)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.RSSStartKB > 0 {
		fmt.Fprintf(w, "\nserver RSS: %.1f MB at the start, %.1f MB at the end\n", float64(r.RSSStartKB)/1024, float64(r.RSSEndKB)/1024)
	}
	if err := r.Err(); err != nil {
		fmt.Fprintf(w, "\nFAILURES: %v\n", err)
	}
	return nil
}

func num(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
