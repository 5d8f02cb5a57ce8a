package webhook

import (
	"context"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/model"
)

// Limits of an endpoint's settings.
const (
	maxURL         = 2000
	maxDescription = 200
	// DefaultOverlap is how long the previous secret keeps signing after a
	// rotation unless told; MaxOverlap bounds it.
	DefaultOverlap = 24 * time.Hour
	MaxOverlap     = 7 * 24 * time.Hour
	// ReasonFailing is the disabled_reason of an endpoint that failed for
	// the retry window; ReasonAdmin of one an admin disabled.
	ReasonFailing = "failing"
	ReasonAdmin   = "disabled by an admin"
)

// Request creates or changes an endpoint: the fields given.
type Request struct {
	URL         *string  `json:"url"`
	Events      []string `json:"events"`
	Description *string  `json:"description"`
	// Disabled stops (true) or resumes (false) deliveries.
	Disabled *bool `json:"disabled"`
}

// Created is an endpoint with its secret: the only time it is shown.
type Created struct {
	model.Webhook
	Secret string `json:"secret"`
}

// errSettings is the answer to an agent reaching for webhooks.
func errSettings() error {
	return model.Errorf(model.CodeForbidden, "agents cannot see or change webhooks")
}

func notFound(what string) error { return model.Errorf(model.CodeNotFound, "no such %s", what) }

// Workspace returns workspace id if the actor administers it; not_found
// when the actor may not see it, forbidden for its agents.
func (s *Service) Workspace(ctx context.Context, actor *model.Actor, id string) (*model.Workspace, error) {
	if !model.ValidID("ws", id) || !actor.CanSee(id) {
		return nil, notFound("workspace")
	}
	ws, err := s.c.Store.Workspace(ctx, id)
	if model.ErrorCode(err) == model.CodeNotFound {
		return nil, notFound("workspace")
	}
	if err != nil {
		return nil, err
	}
	if !actor.CanAdminister(ws.ID) {
		return nil, errSettings()
	}
	return ws, nil
}

// Endpoint returns endpoint id if the actor administers its workspace;
// not_found, forbidden.
func (s *Service) Endpoint(ctx context.Context, actor *model.Actor, id string) (*model.Webhook, error) {
	if !model.ValidID("whk", id) {
		return nil, notFound("webhook")
	}
	w, err := s.c.Store.Webhook(ctx, id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && !actor.CanSee(w.WorkspaceID) {
		return nil, notFound("webhook")
	}
	if err != nil {
		return nil, err
	}
	if !actor.CanAdminister(w.WorkspaceID) {
		return nil, errSettings()
	}
	return w, nil
}

// Endpoints lists workspace ws's endpoints, oldest first; not_found, forbidden.
func (s *Service) Endpoints(ctx context.Context, actor *model.Actor, ws string) ([]model.Webhook, error) {
	w, err := s.Workspace(ctx, actor, ws)
	if err != nil {
		return nil, err
	}
	l, err := s.c.Store.Webhooks(ctx, w.ID)
	if l == nil {
		l = []model.Webhook{}
	}
	return l, err
}

// Create adds an endpoint to workspace ws and returns it with its secret.
// not_found, forbidden; invalid_request for a URL the outbound policy
// refuses (not HTTPS, an internal address: the message says which), no
// events or an unknown one.
func (s *Service) Create(ctx context.Context, actor *model.Actor, ws string, in Request) (*Created, error) {
	w, err := s.Workspace(ctx, actor, ws)
	if err != nil {
		return nil, err
	}
	if in.URL == nil {
		return nil, model.Errorf(model.CodeInvalid, "url is required: where deliveries are sent")
	}
	if in.Events == nil {
		return nil, model.Errorf(model.CodeInvalid, "events is required: the event types the endpoint receives")
	}
	now := s.c.Now()
	key, secret := newSecret()
	h := &model.Webhook{ID: model.NewID("whk"), WorkspaceID: w.ID, CreatedAt: now, UpdatedAt: now}
	if err := s.apply(ctx, h, in, now); err != nil {
		return nil, err
	}
	h.Sealed = s.c.Box.Seal(key, sealContext(h.ID))
	e := actor.Audit(now, w.ID, "webhook.create", "webhook", h.ID, map[string]any{"url": h.URL, "events": h.Events})
	if err := s.c.Store.CreateWebhook(ctx, h, e); err != nil {
		return nil, err
	}
	return &Created{*h, secret}, nil
}

// Update changes the settings given of endpoint id; resuming a disabled
// endpoint forgets its failures. not_found, forbidden, invalid_request.
func (s *Service) Update(ctx context.Context, actor *model.Actor, id string, in Request) (*model.Webhook, error) {
	h, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.c.Now()
	if err := s.apply(ctx, h, in, now); err != nil {
		return nil, err
	}
	h.UpdatedAt = now
	e := actor.Audit(now, h.WorkspaceID, "webhook.update", "webhook", h.ID,
		map[string]any{"url": h.URL, "events": h.Events, "description": h.Description, "disabled": h.DisabledAt != nil})
	if err := s.c.Store.UpdateWebhook(ctx, h, e); err != nil {
		return nil, err
	}
	return h, nil
}

// apply validates and sets the fields given.
func (s *Service) apply(ctx context.Context, h *model.Webhook, in Request, now time.Time) error {
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		if u == "" || len(u) > maxURL {
			return model.Errorf(model.CodeInvalid, "url must be an https:// URL of at most %d bytes", maxURL)
		}
		if err := s.c.Policy.CheckURL(u); err != nil {
			return model.Errorf(model.CodeInvalid, "url: %v", err)
		}
		if err := s.checkResolved(ctx, u); err != nil {
			return err
		}
		h.URL = u
	}
	if in.Events != nil {
		if len(in.Events) == 0 {
			return model.Errorf(model.CodeInvalid, "events must name at least one event type: %s", strings.Join(model.WebhookEventTypes, ", "))
		}
		var events []string
		for _, e := range in.Events {
			if !model.ValidWebhookEvent(e) {
				return model.Errorf(model.CodeInvalid, "events: %q is not an event type; one of %s", e, strings.Join(model.WebhookEventTypes, ", "))
			}
			if !contains(events, e) {
				events = append(events, e)
			}
		}
		h.Events = events
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		if len(d) > maxDescription || !utf8.ValidString(d) || strings.ContainsFunc(d, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return model.Errorf(model.CodeInvalid, "description must be one line of text, at most %d bytes", maxDescription)
		}
		h.Description = d
	}
	if in.Disabled != nil {
		switch {
		case *in.Disabled && h.DisabledAt == nil:
			h.DisabledAt, h.DisabledReason = &now, ReasonAdmin
		case !*in.Disabled && h.DisabledAt != nil:
			h.DisabledAt, h.DisabledReason, h.FailingSince = nil, "", nil
		}
	}
	return nil
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// Delete deletes endpoint id and its delivery log; not_found, forbidden.
func (s *Service) Delete(ctx context.Context, actor *model.Actor, id string) error {
	h, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return err
	}
	e := actor.Audit(s.c.Now(), h.WorkspaceID, "webhook.delete", "webhook", h.ID, map[string]any{"url": h.URL})
	return s.c.Store.DeleteWebhook(ctx, h.ID, e)
}

// Rotate gives endpoint id a new secret, returned this once; the previous
// one keeps signing too (a second v1 signature) for the overlap
// (DefaultOverlap when nil; 0 ends it at once). not_found, forbidden;
// invalid_request for an overlap outside 0 to MaxOverlap.
func (s *Service) Rotate(ctx context.Context, actor *model.Actor, id string, overlapSeconds *int64) (*Created, error) {
	h, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	overlap := DefaultOverlap
	if overlapSeconds != nil {
		if *overlapSeconds < 0 || time.Duration(*overlapSeconds)*time.Second > MaxOverlap {
			return nil, model.Errorf(model.CodeInvalid, "overlap_seconds must be between 0 and %d", int64(MaxOverlap/time.Second))
		}
		overlap = time.Duration(*overlapSeconds) * time.Second
	}
	now := s.c.Now()
	key, secret := newSecret()
	h.PreviousSealed, h.PreviousUntil = nil, nil
	if overlap > 0 {
		until := now.Add(overlap)
		h.PreviousSealed, h.PreviousUntil = h.Sealed, &until
	}
	h.Sealed, h.UpdatedAt = s.c.Box.Seal(key, sealContext(h.ID)), now
	e := actor.Audit(now, h.WorkspaceID, "webhook.rotate", "webhook", h.ID, map[string]any{"overlap_seconds": int64(overlap / time.Second)})
	if err := s.c.Store.UpdateWebhook(ctx, h, e); err != nil {
		return nil, err
	}
	return &Created{*h, secret}, nil
}

// Deliveries lists endpoint id's deliveries, newest first (at most 100
// unless f.Limit says fewer); not_found, forbidden; invalid_request for an
// unknown status.
func (s *Service) Deliveries(ctx context.Context, actor *model.Actor, id string, f model.DeliveryFilter) ([]model.WebhookDelivery, error) {
	h, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case "", model.DeliveryPending, model.DeliveryDelivered, model.DeliveryFailed:
	default:
		return nil, model.Errorf(model.CodeInvalid, "status must be pending, delivered or failed")
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 100
	}
	l, err := s.c.Store.WebhookDeliveries(ctx, h.ID, f)
	if l == nil {
		l = []model.WebhookDelivery{}
	}
	return l, err
}

// Resend sends delivery eventID of endpoint id again, as soon as a node
// takes it, with a fresh retry window; not_found, forbidden.
func (s *Service) Resend(ctx context.Context, actor *model.Actor, id, eventID string) (*model.WebhookDelivery, error) {
	h, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !model.ValidID("evt", eventID) {
		return nil, notFound("delivery")
	}
	now := s.c.Now()
	e := actor.Audit(now, h.WorkspaceID, "webhook.resend", "webhook", h.ID, map[string]any{"event_id": eventID})
	if err := s.c.Store.ResendDelivery(ctx, h.ID, eventID, now, e); err != nil {
		if model.ErrorCode(err) == model.CodeNotFound {
			return nil, notFound("delivery")
		}
		return nil, err
	}
	s.Kick()
	return s.c.Store.WebhookDelivery(ctx, h.ID, eventID)
}

// sealContext binds a sealed secret to its endpoint.
func sealContext(id string) string { return "webhook:" + id }

// lookupTimeout bounds the resolution of an endpoint's host name.
const lookupTimeout = 3 * time.Second

// checkResolved refuses a URL whose host name resolves to an address the
// outbound policy forbids (CheckURL judges names by their text only). A
// host the operator lists is not resolved; a name that does not resolve
// now is accepted: its deliveries fail, and the delivery log says why.
func (s *Service) checkResolved(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return model.Errorf(model.CodeInvalid, "url is not a URL")
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return nil // an address: CheckURL judged it
	}
	// Plain HTTP passes CheckURL only for what SIGNET_OUTBOUND_ALLOW lists.
	if s.c.Policy.CheckURL("http://"+u.Host+"/") == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := s.c.Lookup(ctx, host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		lit := a.Unmap().String()
		if a.Unmap().Is6() {
			lit = "[" + lit + "]"
		}
		if err := s.c.Policy.CheckURL("https://" + lit + "/"); err != nil {
			return model.Errorf(model.CodeInvalid, "url: %s resolves to %s: %v", host, a.Unmap(), err)
		}
	}
	return nil
}
