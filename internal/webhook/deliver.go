package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
)

// batch is how many deliveries one node claims at a time; they are sent
// side by side, at most senders at once.
const (
	batch   = 20
	senders = 4
	// maxAnswer caps what is read of a receiver's answer (it is dropped).
	maxAnswer = 64 << 10
)

// httpClient sends deliveries through the outbound policy; it never
// follows a redirect (a 3xx is a failed attempt, as Standard Webhooks says).
type httpClient struct{ *http.Client }

func newHTTPClient(p *outbound.Policy, timeout time.Duration) *httpClient {
	c := p.Client(timeout)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &httpClient{c}
}

// Run sends due deliveries until ctx ends, and looks for the events it
// detects (detect.go) every DetectEvery. Every node runs it.
func (s *Service) Run(ctx context.Context) {
	poll := time.NewTicker(s.c.Poll)
	defer poll.Stop()
	detect := time.NewTicker(s.c.DetectEvery)
	defer detect.Stop()
	for {
		// Claim again at once while a full batch came: a backlog drains
		// without waiting for the ticker.
		for ctx.Err() == nil && s.SendDue(ctx) == batch {
		}
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		case <-s.kick:
		case <-detect.C:
			s.Detect(ctx)
			s.prune(ctx)
		}
	}
}

// SendDue claims the deliveries due now and attempts each once, returning
// how many it claimed.
func (s *Service) SendDue(ctx context.Context) int {
	l, err := s.c.Store.ClaimDeliveries(ctx, s.c.Now(), 2*s.c.Timeout, batch)
	if err != nil {
		if ctx.Err() == nil {
			s.c.Log.WarnContext(ctx, "claiming webhook deliveries failed", "err", err)
		}
		return 0
	}
	sem := make(chan struct{}, senders)
	var wg sync.WaitGroup
	for i := range l {
		sem <- struct{}{}
		wg.Add(1)
		go func(d *model.WebhookDelivery) {
			defer func() { <-sem; wg.Done() }()
			s.attempt(ctx, d)
		}(&l[i])
	}
	wg.Wait()
	return len(l)
}

// attempt sends one delivery and records the outcome. When ctx ends
// mid-attempt nothing is recorded: the lease ends, and a node takes it over.
func (s *Service) attempt(ctx context.Context, d *model.WebhookDelivery) {
	h, err := s.c.Store.Webhook(ctx, d.EndpointID)
	if err != nil {
		s.c.Log.WarnContext(ctx, "webhook delivery: endpoint unreadable", "webhook", d.EndpointID, "err", err)
		return
	}
	at := s.c.Now()
	status, sendErr := s.send(ctx, h, d, at)
	if ctx.Err() != nil {
		return
	}
	o := model.DeliveryOutcome{At: s.c.Now(), Status: status, Delivered: sendErr == nil}
	if sendErr != nil {
		o.Error = sendErr.Error()
		// The last attempt falls at the window's end; a failure then gives up.
		if deadline := d.CreatedAt.Add(s.c.RetryWindow); o.At.Before(deadline) {
			next := o.At.Add(s.backoff(d.Attempts + 1))
			if next.After(deadline) {
				next = deadline
			}
			o.Next = &next
		}
	}
	w, err := s.c.Store.FinishDelivery(ctx, d.EndpointID, d.EventID, o)
	if err != nil {
		s.c.Log.WarnContext(ctx, "webhook delivery: outcome not recorded", "webhook", d.EndpointID, "event", d.EventID, "err", err)
		return
	}
	if sendErr != nil {
		s.c.Log.InfoContext(ctx, "webhook delivery failed", "webhook", d.EndpointID, "event", d.EventID,
			"attempt", d.Attempts+1, "status", status, "err", sendErr, "gave_up", o.Next == nil)
		s.disableIfFailing(ctx, w, o.At)
	}
}

// send POSTs the delivery, signed with every live secret of the endpoint;
// the error says why it is not delivered (never with a secret).
func (s *Service) send(ctx context.Context, h *model.Webhook, d *model.WebhookDelivery, at time.Time) (int, error) {
	keys, err := s.keys(h, at)
	if err != nil {
		return 0, err
	}
	body := []byte(d.Payload)
	ctx, cancel := context.WithTimeout(ctx, s.c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0, errors.New("the endpoint's URL cannot be requested")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Signet-Webhooks/1")
	req.Header.Set("webhook-id", d.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", SignatureHeader(keys, d.EventID, at, body))
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may hold a token of the brand's: not repeated
		}
		return 0, err
	}
	defer resp.Body.Close()
	outbound.LimitBody(resp.Body, maxAnswer)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the endpoint answered HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// keys opens the endpoint's signing secrets: the current one, and the
// previous one during a rotation's overlap.
func (s *Service) keys(h *model.Webhook, at time.Time) ([][]byte, error) {
	key, err := s.c.Box.Open(h.Sealed, sealContext(h.ID))
	if err != nil {
		return nil, errors.New("the endpoint's secret does not open under the master key")
	}
	keys := [][]byte{key}
	if h.PreviousSealed != nil && h.PreviousUntil != nil && at.Before(*h.PreviousUntil) {
		if prev, err := s.c.Box.Open(h.PreviousSealed, sealContext(h.ID)); err == nil {
			keys = append(keys, prev)
		}
	}
	return keys, nil
}

// backoff is the wait after the n-th failed attempt: FirstRetry doubled
// each time up to MaxRetry, of which a random half is jitter (so that
// endpoints failing together are not retried together).
func (s *Service) backoff(n int) time.Duration {
	d := s.c.FirstRetry
	for i := 1; i < n && d < s.c.MaxRetry; i++ {
		d *= 2
	}
	d = min(d, s.c.MaxRetry)
	return d/2 + rand.N(d/2+1)
}

// system is Signet acting by itself, as the audit log names it.
func system() *model.Actor { return &model.Actor{Role: "system", TokenID: "signet"} }

// disableIfFailing disables an endpoint that has failed for the retry
// window, with an audit entry; of nodes deciding at once, one writes it.
func (s *Service) disableIfFailing(ctx context.Context, w *model.Webhook, at time.Time) {
	if w.DisabledAt != nil || w.FailingSince == nil || at.Sub(*w.FailingSince) < s.c.RetryWindow {
		return
	}
	e := system().Audit(at, w.WorkspaceID, "webhook.disable", "webhook", w.ID,
		map[string]any{"reason": ReasonFailing, "failing_since": *w.FailingSince})
	changed, err := s.c.Store.DisableWebhook(ctx, w.ID, at, ReasonFailing, e)
	if err != nil {
		s.c.Log.WarnContext(ctx, "disabling a failing webhook failed", "webhook", w.ID, "err", err)
		return
	}
	if changed {
		s.c.Log.WarnContext(ctx, "webhook disabled after failing for the retry window", "webhook", w.ID,
			"workspace", w.WorkspaceID, "failing_since", *w.FailingSince)
	}
}

// prune deletes ended deliveries older than Retention, a batch at a time.
func (s *Service) prune(ctx context.Context) {
	before := s.c.Now().Add(-s.c.Retention)
	for ctx.Err() == nil {
		n, err := s.c.Store.PruneDeliveries(ctx, before, 500)
		if err != nil {
			if ctx.Err() == nil {
				s.c.Log.WarnContext(ctx, "pruning the webhook delivery log failed", "err", err)
			}
			return
		}
		if n < 500 {
			return
		}
	}
}
