// Package webhook tells a brand's backend what happens in its workspace:
// endpoints subscribe to events (model.WebhookEventTypes), and each event
// is delivered to each subscribed endpoint by POST, signed as Standard
// Webhooks specifies (sign.go).
//
// Deliveries live in the database's outbox (store.Webhooks), never only in
// a node's memory: an event is enqueued in the transaction of the change it
// reports where that change is one store transaction (a key made or
// revoked, an app's enforcement set: the store enqueues it with the audit
// entry), and right after the change otherwise (an issue opened, an agent's
// message, what Detect finds), so a node that stops between the change and
// the enqueue loses that one event. Any node's Run claims due deliveries
// with a lease, sends them through the outbound policy's client, and
// retries failures with exponential backoff and jitter for RetryWindow (a
// day); a node that stops mid-delivery leaves a lease that ends, and
// another node (or the same, restarted) takes the delivery over. An
// endpoint that has failed for RetryWindow is disabled, with an audit entry.
//
// The management methods take the model.Actor asking: what it may not see
// is not_found, and agents are forbidden (webhooks are settings).
package webhook

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
)

// Defaults of Config.
const (
	DefaultRetryWindow = 24 * time.Hour
	DefaultFirstRetry  = 5 * time.Second
	DefaultMaxRetry    = time.Hour
	DefaultPoll        = time.Second
	DefaultTimeout     = 10 * time.Second
	DefaultSpikeWindow = 15 * time.Minute
	DefaultSpikeShare  = 0.2
	DefaultSpikeMin    = 20
	DefaultDetectEvery = time.Minute
	DefaultRetention   = 30 * 24 * time.Hour
)

// Config configures a Service; zero values are the defaults.
type Config struct {
	Store store.Store
	// Box seals the endpoints' secrets under the master key.
	Box *secretbox.Box
	// Policy decides where deliveries may go (SIGNET_OUTBOUND_ALLOW); nil
	// allows public HTTPS addresses only.
	Policy *outbound.Policy
	Now    func() time.Time
	Log    *slog.Logger
	// RetryWindow is how long a delivery is retried, and how long an
	// endpoint may fail before it is disabled.
	RetryWindow time.Duration
	// FirstRetry is the wait after the first failure; each further failure
	// doubles it, up to MaxRetry, with jitter.
	FirstRetry, MaxRetry time.Duration
	// Poll is how often Run looks for due deliveries.
	Poll time.Duration
	// Timeout bounds one attempt; the lease is twice it.
	Timeout time.Duration
	// SpikeWindow, SpikeShare and SpikeMin: an app whose share of failed
	// verifications over the last SpikeWindow reaches SpikeShare, over at
	// least SpikeMin checked logins, raises verification.failures_spiked
	// (once per app and window). DetectEvery is how often Run checks.
	SpikeWindow time.Duration
	SpikeShare  float64
	SpikeMin    int
	DetectEvery time.Duration
	// Retention is how long ended deliveries stay in the delivery log
	// (pending ones stay until they end).
	Retention time.Duration
	// Lookup resolves an endpoint's host name when it is set, so that a
	// name resolving to an address the policy forbids is refused at once;
	// nil is the system resolver. (Every delivery checks again at dial.)
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Service manages endpoints and delivers events.
type Service struct {
	c      Config
	client *httpClient
	kick   chan struct{}
}

// New returns the service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.RetryWindow, DefaultRetryWindow)
	def(&c.FirstRetry, DefaultFirstRetry)
	def(&c.MaxRetry, DefaultMaxRetry)
	def(&c.Poll, DefaultPoll)
	def(&c.Timeout, DefaultTimeout)
	def(&c.SpikeWindow, DefaultSpikeWindow)
	def(&c.DetectEvery, DefaultDetectEvery)
	def(&c.Retention, DefaultRetention)
	if c.Lookup == nil {
		c.Lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if c.SpikeShare <= 0 {
		c.SpikeShare = DefaultSpikeShare
	}
	if c.SpikeMin <= 0 {
		c.SpikeMin = DefaultSpikeMin
	}
	return &Service{c: c, client: newHTTPClient(c.Policy, c.Timeout), kick: make(chan struct{}, 1)}
}

// Notify enqueues an event of the workspace right after the change it
// reports (an issue opened, an agent's message), and wakes this node's
// sender. A failure is logged, never returned: the change is made already.
func (s *Service) Notify(ctx context.Context, workspaceID, typ string, at time.Time, data map[string]any) {
	if s == nil {
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	data["workspace_id"] = workspaceID
	ev := &model.WebhookEvent{ID: model.NewID("evt"), WorkspaceID: workspaceID, Type: typ, At: at, Data: data}
	if _, err := s.enqueue(ctx, ev); err != nil {
		s.c.Log.WarnContext(ctx, "webhook event not enqueued", "type", typ, "workspace", workspaceID, "err", err)
		return
	}
	s.Kick()
}

func (s *Service) enqueue(ctx context.Context, ev *model.WebhookEvent) (int, error) {
	body, err := model.EventBody(ev)
	if err != nil {
		return 0, err
	}
	return s.c.Store.EnqueueEvent(ctx, ev, body)
}

// Kick makes Run look for due deliveries now rather than at its next poll.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}
