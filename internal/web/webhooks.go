package web

import (
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/webhook"
)

// webhooksView is the webhooks page: the workspace's endpoints and the
// form that adds one; Created is an endpoint just made (or rotated), shown
// with its secret this once.
type webhooksView struct {
	Endpoints []model.Webhook
	Events    []string
	Created   *webhook.Created
	URL       string
	Chosen    map[string]bool
	Nonce     string
}

// webhookView is one endpoint's page: its settings and delivery log.
type webhookView struct {
	Endpoint   *model.Webhook
	Deliveries []model.WebhookDelivery
	Created    *webhook.Created
	Nonce      string
}

func (h *handler) webhooksPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showWebhooks(w, r, sess, http.StatusOK, &webhooksView{}, "")
}

func (h *handler) showWebhooks(w http.ResponseWriter, r *http.Request, sess *session, status int, v *webhooksView, errMsg string) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	if v.Endpoints, err = h.webhooks.Endpoints(r.Context(), h.actor(r, sess), ws.ID); err != nil {
		return pageErr(err)
	}
	v.Events, v.Nonce = model.WebhookEventTypes, nonce()
	if v.Chosen == nil {
		v.Chosen = map[string]bool{model.EventMessageCreated: true}
	}
	h.render(w, r, sess, status, "webhooks", &page{Title: "Webhooks · " + ws.Name, Nav: "webhooks", WS: ws, Error: errMsg, Data: v})
	return nil
}

func (h *handler) createWebhook(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := r.ParseForm(); err != nil {
		return &pageError{http.StatusBadRequest, "The form could not be read."}
	}
	url := strings.TrimSpace(r.PostFormValue("url"))
	events := r.PostForm["event"]
	v := &webhooksView{URL: url, Chosen: map[string]bool{}}
	for _, e := range events {
		v.Chosen[e] = true
	}
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return errResubmitted
	}
	if events == nil {
		events = []string{}
	}
	desc := strings.TrimSpace(r.PostFormValue("description"))
	c, err := h.webhooks.Create(r.Context(), h.actor(r, sess), r.PathValue("ws"), webhook.Request{URL: &url, Events: events, Description: &desc})
	err = pageErr(err)
	if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
		return h.showWebhooks(w, r, sess, ae.Status, v, ae.Message)
	} else if err != nil {
		return err
	}
	return h.showWebhooks(w, r, sess, http.StatusCreated, &webhooksView{Created: c}, "")
}

// endpointOf returns the page's workspace and endpoint; an endpoint of
// another workspace is not found.
func (h *handler) endpointOf(r *http.Request, sess *session) (*model.Workspace, *model.Webhook, error) {
	if err := requireAdmin(sess); err != nil {
		return nil, nil, err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return nil, nil, err
	}
	e, err := h.webhooks.Endpoint(r.Context(), h.actor(r, sess), r.PathValue("webhook"))
	if err != nil {
		return nil, nil, pageErr(err)
	}
	if e.WorkspaceID != ws.ID {
		return nil, nil, &pageError{http.StatusNotFound, "There is no such webhook."}
	}
	return ws, e, nil
}

func (h *handler) webhookPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showWebhook(w, r, sess, http.StatusOK, nil)
}

func (h *handler) showWebhook(w http.ResponseWriter, r *http.Request, sess *session, status int, created *webhook.Created) error {
	ws, e, err := h.endpointOf(r, sess)
	if err != nil {
		return err
	}
	v := &webhookView{Endpoint: e, Created: created, Nonce: nonce()}
	if v.Deliveries, err = h.webhooks.Deliveries(r.Context(), h.actor(r, sess), e.ID, model.DeliveryFilter{Limit: 100}); err != nil {
		return pageErr(err)
	}
	h.render(w, r, sess, status, "webhook", &page{Title: "Webhook · " + ws.Name, Nav: "webhooks", WS: ws, Data: v})
	return nil
}

func (h *handler) rotateWebhook(w http.ResponseWriter, r *http.Request, sess *session) error {
	_, e, err := h.endpointOf(r, sess)
	if err != nil {
		return err
	}
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return errResubmitted
	}
	c, err := h.webhooks.Rotate(r.Context(), h.actor(r, sess), e.ID, nil)
	if err != nil {
		return pageErr(err)
	}
	return h.showWebhook(w, r, sess, http.StatusOK, c)
}

func (h *handler) setWebhookState(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, e, err := h.endpointOf(r, sess)
	if err != nil {
		return err
	}
	disabled := r.PostFormValue("disabled") == "true"
	if _, err := h.webhooks.Update(r.Context(), h.actor(r, sess), e.ID, webhook.Request{Disabled: &disabled}); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+esc(ws.ID)+"/webhooks/"+esc(e.ID), http.StatusSeeOther)
	return nil
}

func (h *handler) deleteWebhook(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, e, err := h.endpointOf(r, sess)
	if err != nil {
		return err
	}
	if err := h.webhooks.Delete(r.Context(), h.actor(r, sess), e.ID); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+esc(ws.ID)+"/webhooks", http.StatusSeeOther)
	return nil
}

func (h *handler) resendDelivery(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, e, err := h.endpointOf(r, sess)
	if err != nil {
		return err
	}
	if _, err := h.webhooks.Resend(r.Context(), h.actor(r, sess), e.ID, r.PathValue("event")); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+esc(ws.ID)+"/webhooks/"+esc(e.ID), http.StatusSeeOther)
	return nil
}
