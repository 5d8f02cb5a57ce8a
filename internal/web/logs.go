package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// pageSize is how many rows a log page shows.
const pageSize = 50

// sinceOptions are the verification log's time filters.
var sinceOptions = []struct {
	Value, Label string
	Ago          time.Duration
}{
	{"1h", "Last hour", time.Hour},
	{"24h", "Last 24 hours", 24 * time.Hour},
	{"7d", "Last 7 days", 7 * 24 * time.Hour},
	{"30d", "Last 30 days", 30 * 24 * time.Hour},
	{"", "Any time", 0},
}

type logView struct {
	Attempts []attemptRow
	Apps     []model.App
	// Filter is the query as given; Older and Newest page through.
	App, Result, Reason, Since string
	SinceOptions               any
	Older, Newest              string
	Paged                      bool
}

type attemptRow struct {
	model.Attempt
	AppName string
}

func (h *handler) logPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := logView{App: q.Get("app"), Result: q.Get("result"), Reason: q.Get("reason"), Since: q.Get("since"),
		SinceOptions: sinceOptions, Paged: q.Get("before") != ""}
	var apps struct{ Apps []model.App }
	if apps.Apps, err = h.admin.Apps(r.Context(), h.actor(r, sess), ws.ID); err != nil {
		return pageErr(err)
	}
	v.Apps = apps.Apps
	names := map[string]string{}
	for _, a := range apps.Apps {
		names[a.ID] = a.Name
	}
	f := model.AttemptFilter{AppID: q.Get("app"), Result: model.LoginResult(q.Get("result")), Reason: verify.Reason(q.Get("reason")),
		Before: q.Get("before"), Limit: pageSize}
	for _, o := range sinceOptions {
		if o.Value == v.Since && o.Ago > 0 {
			f.Since = h.now().Add(-o.Ago).UTC().Truncate(time.Second)
		}
	}
	var list struct{ Attempts []model.Attempt }
	if list.Attempts, err = h.admin.Attempts(r.Context(), h.actor(r, sess), ws.ID, f); err != nil {
		return pageErr(err)
	}
	for _, a := range list.Attempts {
		v.Attempts = append(v.Attempts, attemptRow{a, names[a.AppID]})
	}
	keep := url.Values{}
	for _, k := range []string{"app", "result", "reason", "since"} {
		if q.Get(k) != "" {
			keep.Set(k, q.Get(k))
		}
	}
	v.Newest = "?" + keep.Encode()
	if len(list.Attempts) == pageSize {
		keep.Set("before", list.Attempts[len(list.Attempts)-1].ID)
		v.Older = "?" + keep.Encode()
	}
	h.render(w, r, sess, http.StatusOK, "log", &page{Title: "Verification log", Nav: "log", WS: ws, Data: v})
	return nil
}

// --- audit log --------------------------------------------------------------

type auditView struct {
	Entries       []auditRow
	Action        string
	Older, Newest string
	Paged         bool
	InstanceWide  bool
}

type auditRow struct {
	model.AuditEntry
	Actor   string
	Details []detail
}

type detail struct{ Key, Value string }

func (h *handler) auditPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	v, err := h.audit(r, sess, ws.ID)
	if err != nil {
		return err
	}
	h.render(w, r, sess, http.StatusOK, "audit", &page{Title: "Audit log", Nav: "audit", WS: ws, Data: v})
	return nil
}

func (h *handler) instanceAuditPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	if sess.role != model.RoleOwner {
		return &pageError{http.StatusForbidden, "Only the instance's owner reads the instance-wide audit log."}
	}
	v, err := h.audit(r, sess, "")
	if err != nil {
		return err
	}
	v.InstanceWide = true
	h.render(w, r, sess, http.StatusOK, "audit", &page{Title: "Instance audit log", Nav: "instance-audit", Data: v})
	return nil
}

func (h *handler) audit(r *http.Request, sess *session, wsID string) (*auditView, error) {
	q := r.URL.Query()
	v := &auditView{Action: q.Get("action"), Paged: q.Get("before") != ""}
	var list struct{ Entries []model.AuditEntry }
	var err error
	list.Entries, err = h.admin.Audit(r.Context(), h.actor(r, sess), wsID,
		model.AuditFilter{Action: q.Get("action"), Before: q.Get("before"), Limit: pageSize})
	if err != nil {
		return nil, pageErr(err)
	}
	actors := h.actorNames(r, sess, wsID)
	for _, e := range list.Entries {
		row := auditRow{AuditEntry: e, Actor: actorName(e.ActorID, actors)}
		for k, val := range e.Details {
			row.Details = append(row.Details, detail{k, fmt.Sprint(val)})
		}
		slices.SortFunc(row.Details, func(a, b detail) int { return strings.Compare(a.Key, b.Key) })
		v.Entries = append(v.Entries, row)
	}
	keep := url.Values{}
	if v.Action != "" {
		keep.Set("action", v.Action)
	}
	v.Newest = "?" + keep.Encode()
	if len(list.Entries) == pageSize {
		keep.Set("before", list.Entries[len(list.Entries)-1].ID)
		v.Older = "?" + keep.Encode()
	}
	return v, nil
}

// actorNames maps API token ids to their names: the workspace's tokens
// (through the API) and the owner's (dashboard sessions of owner accounts).
func (h *handler) actorNames(r *http.Request, sess *session, wsID string) map[string]string {
	out := h.staff.TokenNames(r.Context(), h.actor(r, sess), "")
	if wsID != "" {
		if l, err := h.admin.Tokens(r.Context(), h.actor(r, sess), wsID); err == nil {
			for _, t := range l {
				out[t.ID] = t.Name
			}
		}
	}
	return out
}

// actorName is who acted, for a person: the account behind a dashboard
// session, an API token's name, or the instance's admin token.
func actorName(id string, names map[string]string) string {
	if id == "owner" {
		return "SIGNET_ADMIN_TOKEN"
	}
	name, ok := names[id]
	switch {
	case !ok:
		return id
	case strings.HasPrefix(name, tokenNamePrefix):
		return strings.TrimPrefix(name, tokenNamePrefix)
	case name == "":
		return "API token " + id
	}
	return "API token “" + name + "”"
}
