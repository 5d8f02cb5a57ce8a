package web

import "net/http"

// referencePage shows the API reference: reference.js renders /openapi.json
// (the document the server itself serves) as a readable page, in the
// browser, with nothing fetched from elsewhere.
func (h *handler) referencePage(w http.ResponseWriter, r *http.Request, sess *session) error {
	h.render(w, r, sess, http.StatusOK, "reference", &page{Title: "API reference", Nav: "api", Scripts: []string{"reference.js"}})
	return nil
}
