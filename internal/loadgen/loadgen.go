// Package loadgen is Signet's load generator, behind `signet bench`: it sets
// up its own workspace, apps, keys, users and issues on a running Signet
// through the admin API, drives it over real HTTP with a brand's traffic —
// returning and first logins per profile, reads, message posts, live streams
// — and measures, in the same run and with the same generator, a handler
// that only decodes the request and writes a fixed answer: the ceiling every
// figure is reported against.
package loadgen

import (
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/verify"
)

// Scenario is one kind of traffic.
type Scenario string

// The scenarios, in the order they run.
const (
	// Login is a returning verified user logging in again: the most common
	// request a brand's apps make.
	Login Scenario = "login"
	// FirstLogin is a verified user Signet has never seen.
	FirstLogin Scenario = "first-login"
	// Read is GET /v1/issues with a session token.
	Read Scenario = "read"
	// Post is POST /v1/issues/{id}/messages with a session token.
	Post Scenario = "post"
	// Stream is open /v1/events streams and the time an agent's reply takes
	// to reach each of them.
	Stream Scenario = "stream"
)

// AllScenarios returns every scenario, in the order they run.
func AllScenarios() []Scenario { return []Scenario{Login, FirstLogin, Read, Post, Stream} }

// perProfile reports whether a scenario runs once per profile.
func (s Scenario) perProfile() bool { return s == Login || s == FirstLogin }

// Rate is the request rate of fixed-rate runs: Fixed requests per second,
// or a Fraction of the maximum measured just before. The zero Rate is
// closed-loop: every connection sends its next request as soon as it has
// an answer.
type Rate struct {
	Fixed    float64
	Fraction float64
}

// Closed reports whether r is closed-loop.
func (r Rate) Closed() bool { return r.Fixed <= 0 && r.Fraction <= 0 }

// String is the rate as given on the command line.
func (r Rate) String() string {
	switch {
	case r.Fixed > 0:
		return fmt.Sprintf("%g/s", r.Fixed)
	case r.Fraction > 0:
		return fmt.Sprintf("%g%% of max", r.Fraction*100)
	}
	return "max (closed loop)"
}

// Config is what one bench run does.
type Config struct {
	// Target is the base URL of the running Signet: http://127.0.0.1:8080.
	Target string
	// AdminToken is an owner API token of the target (SIGNET_ADMIN_TOKEN).
	AdminToken string
	// Profiles get one app each; login and first-login run once per profile.
	Profiles []verify.Profile
	// Scenarios to run (they run in the order of AllScenarios).
	Scenarios []Scenario
	// Users is the number of distinct users: each is logged in once and
	// opens one issue during set-up.
	Users int
	// Concurrency is the number of connections (and requests in flight).
	Concurrency int
	// Duration is the length of one measured run.
	Duration time.Duration
	// Rounds is how many times each scenario and the ceiling alternate.
	Rounds int
	// Rate is closed-loop (zero) or a fixed rate.
	Rate Rate
	// Streams is the number of /v1/events streams the stream scenario opens.
	Streams int
	// StreamMessages is the number of agent replies whose fan-out is timed.
	StreamMessages int
	// PID, when not zero, is the server's process: its resident memory is
	// read from /proc at the start and end of every run.
	PID int
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
	// Progress, when not nil, is told what the bench is doing.
	Progress func(format string, args ...any)
}

// Defaults of Config's zero fields.
const (
	DefaultUsers          = 2000
	DefaultConcurrency    = 64
	DefaultDuration       = 10 * time.Second
	DefaultRounds         = 1
	DefaultStreams        = 1000
	DefaultStreamMessages = 10
)

// DefaultProfiles returns the profiles benched when none is given: a
// digest profile and a token profile.
func DefaultProfiles() []verify.Profile { return []verify.Profile{verify.Intercom, verify.Signet} }

func (c Config) withDefaults() (Config, error) {
	if c.Target == "" {
		return c, errors.New("no target: give the URL of a running Signet")
	}
	if c.AdminToken == "" {
		return c, errors.New("no admin token: the bench sets up its own workspace through the admin API")
	}
	if len(c.Profiles) == 0 {
		c.Profiles = DefaultProfiles()
	}
	for _, p := range c.Profiles {
		if _, err := verify.ParseProfile(string(p)); err != nil {
			return c, err
		}
	}
	if len(c.Scenarios) == 0 {
		c.Scenarios = AllScenarios()
	}
	for _, s := range c.Scenarios {
		if !s.known() {
			return c, fmt.Errorf("unknown scenario %q (want one of %v)", s, AllScenarios())
		}
	}
	c.Users = orDefault(c.Users, DefaultUsers)
	c.Concurrency = orDefault(c.Concurrency, DefaultConcurrency)
	c.Rounds = orDefault(c.Rounds, DefaultRounds)
	c.Streams = orDefault(c.Streams, DefaultStreams)
	c.StreamMessages = orDefault(c.StreamMessages, DefaultStreamMessages)
	if c.Duration <= 0 {
		c.Duration = DefaultDuration
	}
	if c.Rate.Fraction > 1 {
		return c, errors.New("a rate fraction is at most 100%")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Progress == nil {
		c.Progress = func(string, ...any) {}
	}
	return c, nil
}

func (s Scenario) known() bool {
	for _, k := range AllScenarios() {
		if s == k {
			return true
		}
	}
	return false
}

func (c Config) runs(s Scenario) bool {
	for _, k := range c.Scenarios {
		if k == s {
			return true
		}
	}
	return false
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
