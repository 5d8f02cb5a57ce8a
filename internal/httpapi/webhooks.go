package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/webhook"
)

// webhookRoutes are the webhook endpoints' administration (internal/webhook),
// appended to the route table.
func (s *server) webhookRoutes() []Route {
	const roles = "owner, or an admin of the workspace. An agent gets 403; a token of another workspace gets 404."
	return []Route{
		{
			Method: "POST", Path: "/api/admin/workspaces/{ws}/webhooks", Handler: s.staff(s.createWebhook),
			ID: "createWebhook", Tag: "Webhooks", Auth: APIToken,
			Summary: "Create a webhook endpoint",
			Doc:     "Signet POSTs each event the endpoint subscribes to, with the headers `webhook-id`, `webhook-timestamp` and `webhook-signature` of Standard Webhooks and the body `{\"type\", \"timestamp\", \"data\"}`. An answer other than 2xx within 10 s is retried with exponential backoff and jitter for a day; an endpoint failing for a day is disabled. A URL that is not HTTPS, or names or resolves to a private, loopback or link-local address, is refused with 400 and the reason (`SIGNET_OUTBOUND_ALLOW` lets listed destinations through). The answer holds the secret, shown this once.",
			Roles:   roles,
			Request: body[webhook.Request]("WebhookCreate"),
			Answers: []Answer{answer[webhook.Created](201, "The new endpoint, with its secret.")},
			Errors:  []string{"BadRequest", "Unauthorized", "Forbidden", "NotFound", "PayloadTooLarge", "Internal", "Unavailable"},
		},
		{
			Method: "GET", Path: "/api/admin/workspaces/{ws}/webhooks", Handler: s.staff(s.listWebhooks),
			ID: "listWebhooks", Tag: "Webhooks", Auth: APIToken,
			Summary: "List webhook endpoints",
			Doc:     "The workspace's endpoints, without their secrets.",
			Roles:   roles,
			Answers: []Answer{answer[webhookList](200, "The endpoints.")},
			Errors:  []string{"Unauthorized", "Forbidden", "NotFound", "Internal", "Unavailable"},
		},
		{
			Method: "GET", Path: "/api/admin/webhooks/{webhook}", Handler: s.staff(s.getWebhook),
			ID: "getWebhook", Tag: "Webhooks", Auth: APIToken,
			Summary: "Get a webhook endpoint",
			Doc:     "One endpoint, without its secret.",
			Roles:   roles,
			Answers: []Answer{answer[model.Webhook](200, "The endpoint.")},
			Errors:  []string{"Unauthorized", "Forbidden", "NotFound", "Internal", "Unavailable"},
		},
		{
			Method: "PATCH", Path: "/api/admin/webhooks/{webhook}", Handler: s.staff(s.patchWebhook),
			ID: "patchWebhook", Tag: "Webhooks", Auth: APIToken,
			Summary: "Change a webhook endpoint",
			Doc:     "Change its URL, events or description, or stop and resume its deliveries.",
			Roles:   roles,
			Request: body[webhook.Request]("WebhookPatch"),
			Answers: []Answer{answer[model.Webhook](200, "The endpoint.")},
			Errors:  []string{"BadRequest", "Unauthorized", "Forbidden", "NotFound", "PayloadTooLarge", "Internal", "Unavailable"},
		},
		{
			Method: "DELETE", Path: "/api/admin/webhooks/{webhook}", Handler: s.staff(s.deleteWebhook),
			ID: "deleteWebhook", Tag: "Webhooks", Auth: APIToken,
			Summary: "Delete a webhook endpoint",
			Doc:     "The endpoint and its delivery log go; pending deliveries are dropped.",
			Roles:   roles,
			Answers: []Answer{noContent("Deleted.")},
			Errors:  []string{"Unauthorized", "Forbidden", "NotFound", "Internal", "Unavailable"},
		},
		{
			Method: "POST", Path: "/api/admin/webhooks/{webhook}/rotate", Handler: s.staff(s.rotateWebhook),
			ID: "rotateWebhook", Tag: "Webhooks", Auth: APIToken,
			Summary: "Rotate a webhook endpoint's secret",
			Doc:     "A new secret, shown this once. During the overlap (`overlap_seconds`, a day by default) every delivery carries two signatures, under the new and the previous secret, space-separated in `webhook-signature`: the receiver moves to the new secret at its pace. Send `{}` for the default.",
			Roles:   roles,
			Request: body[rotateRequest](),
			Answers: []Answer{answer[webhook.Created](200, "The endpoint, with its new secret.")},
			Errors:  []string{"BadRequest", "Unauthorized", "Forbidden", "NotFound", "PayloadTooLarge", "Internal", "Unavailable"},
		},
		{
			Method: "GET", Path: "/api/admin/webhooks/{webhook}/deliveries", Handler: s.staff(s.listDeliveries),
			ID: "listWebhookDeliveries", Tag: "Webhooks", Auth: APIToken,
			Summary: "List an endpoint's deliveries",
			Doc:     "The delivery log: each event sent or to send to this endpoint, with its state and last attempt, newest first. Ended deliveries are kept 30 days.",
			Roles:   roles,
			Query: []Param{
				{Name: "status", Doc: "Only deliveries in this state.", Schema: `{"type":"string","enum":["pending","delivered","failed"]}`},
				{Name: "limit", Doc: "How many, 1 to 500 (at most 100 are returned).", Schema: `{"type":"integer","minimum":1,"maximum":500}`},
			},
			Answers: []Answer{answer[deliveryList](200, "The deliveries.")},
			Errors:  []string{"BadQuery", "Unauthorized", "Forbidden", "NotFound", "Internal", "Unavailable"},
		},
		{
			Method: "POST", Path: "/api/admin/webhooks/{webhook}/deliveries/{event}/resend", Handler: s.staff(s.resendDelivery),
			ID: "resendWebhookDelivery", Tag: "Webhooks", Auth: APIToken,
			Summary: "Resend a delivery",
			Doc:     "The delivery becomes pending again, due at once, with its attempts counted anew and a fresh day of retries; the same `webhook-id` and body are sent (receivers drop an id they have processed).",
			Roles:   roles,
			Answers: []Answer{answer[model.WebhookDelivery](202, "The delivery, pending.")},
			Errors:  []string{"Unauthorized", "Forbidden", "NotFound", "Internal", "Unavailable"},
		},
	}
}

// webhookList answers GET …/webhooks.
type webhookList struct {
	Webhooks []model.Webhook `json:"webhooks"`
}

// deliveryList answers GET …/deliveries.
type deliveryList struct {
	Deliveries []model.WebhookDelivery `json:"deliveries"`
}

// rotateRequest is POST …/rotate's body.
type rotateRequest struct {
	OverlapSeconds *int64 `json:"overlap_seconds"`
}

func (s *server) createWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.webhooks.Workspace(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	var in webhook.Request
	if err := decode(w, r, &in); err != nil {
		return err
	}
	h, err := s.webhooks.Create(r.Context(), p, ws.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *server) listWebhooks(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.webhooks.Endpoints(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookList{l})
	return nil
}

func (s *server) getWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	h, err := s.webhooks.Endpoint(r.Context(), p, r.PathValue("webhook"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *server) patchWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.webhooks.Endpoint(r.Context(), p, r.PathValue("webhook")); err != nil {
		return err
	}
	var in webhook.Request
	if err := decode(w, r, &in); err != nil {
		return err
	}
	h, err := s.webhooks.Update(r.Context(), p, r.PathValue("webhook"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *server) deleteWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.webhooks.Delete(r.Context(), p, r.PathValue("webhook")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) rotateWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.webhooks.Endpoint(r.Context(), p, r.PathValue("webhook")); err != nil {
		return err
	}
	var in rotateRequest
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	h, err := s.webhooks.Rotate(r.Context(), p, r.PathValue("webhook"), in.OverlapSeconds)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *server) listDeliveries(w http.ResponseWriter, r *http.Request, p *principal) error {
	f := model.DeliveryFilter{Status: r.URL.Query().Get("status")}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := limitParam(v)
		if err != nil {
			return err
		}
		f.Limit = n
	}
	l, err := s.webhooks.Deliveries(r.Context(), p, r.PathValue("webhook"), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deliveryList{l})
	return nil
}

func (s *server) resendDelivery(w http.ResponseWriter, r *http.Request, p *principal) error {
	d, err := s.webhooks.Resend(r.Context(), p, r.PathValue("webhook"), r.PathValue("event"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, d)
	return nil
}
