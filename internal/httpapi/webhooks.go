package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/webhook"
)

// webhookRoutes are the webhook endpoints' administration (internal/webhook).
func (s *server) webhookRoutes() []route {
	return []route{
		{"POST /api/admin/workspaces/{ws}/webhooks", s.staff(s.createWebhook)},
		{"GET /api/admin/workspaces/{ws}/webhooks", s.staff(s.listWebhooks)},
		{"GET /api/admin/webhooks/{webhook}", s.staff(s.getWebhook)},
		{"PATCH /api/admin/webhooks/{webhook}", s.staff(s.patchWebhook)},
		{"DELETE /api/admin/webhooks/{webhook}", s.staff(s.deleteWebhook)},
		{"POST /api/admin/webhooks/{webhook}/rotate", s.staff(s.rotateWebhook)},
		{"GET /api/admin/webhooks/{webhook}/deliveries", s.staff(s.listDeliveries)},
		{"POST /api/admin/webhooks/{webhook}/deliveries/{event}/resend", s.staff(s.resendDelivery)},
	}
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
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": l})
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
	var in struct {
		OverlapSeconds *int64 `json:"overlap_seconds"`
	}
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
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": l})
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
