package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// page is what every template gets: the layout's parts and the page's Data.
type page struct {
	Title string
	// Nav names the active navigation item.
	Nav string
	// Bare pages (sign-in, setup) have no navigation.
	Bare bool
	// Me is the signed-in staff member; nil on bare pages.
	Me   *viewer
	CSRF string
	// WS is the workspace the page belongs to, if any.
	WS         *model.Workspace
	Workspaces []model.Workspace
	Flash      string
	Error      string
	// Scripts are extra static scripts the page loads.
	Scripts []string
	Data    any
}

// viewer is the session as templates see it.
type viewer struct {
	Email       string
	Role        model.Role
	WorkspaceID string
}

// CanAdmin reports whether the viewer sees keys, settings and logs.
func (v *viewer) CanAdmin() bool {
	return v != nil && (v.Role == model.RoleOwner || v.Role == model.RoleAdmin)
}

// IsOwner reports whether the viewer is the instance's owner.
func (v *viewer) IsOwner() bool { return v != nil && v.Role == model.RoleOwner }

// flashes are the confirmations a redirect after an action shows (?ok=…).
var flashes = map[string]string{
	"workspace":       "Workspace created.",
	"app":             "App created. Generate or import a key to start verifying.",
	"saved":           "Settings saved.",
	"public-key":      "Public key added. Tokens name it with kid = its key id and are signed with your private key.",
	"jwks":            "JWKS URL saved. Signet fetched it: its outcome is shown below.",
	"retired":         "Key retired: it keeps verifying until its grace period ends.",
	"revoked":         "Key revoked: it no longer verifies, and the sessions it created have ended.",
	"account":         "Account created. Share the password with its owner through a safe channel.",
	"tokenrev":        "API token revoked.",
	"resolved":        "Issue resolved.",
	"reopened":        "Issue reopened.",
	"sent":            "Reply sent.",
	"welcome":         "Welcome to Signet. Create a workspace for your brand to begin.",
	"appdeleted":      "App deleted: its keys, sessions and conversations are gone; the audit log records it.",
	"wsdeleted":       "Workspace deleted: everything in it is gone but its audit log.",
	"ended":           "Sessions ended: that user must log in again.",
	"account-disable": "Account disabled: its sessions and the API tokens it made have ended.",
	"account-enable":  "Account enabled: it may sign in again.",
	"account-deleted": "Account deleted: its sessions and the API tokens it made have ended.",
	"account-role":    "Role changed: their dashboard sessions ended, and they sign in again with the new role.",
	"password":        "Password changed. Your other dashboard sessions have ended.",
}

func (h *handler) parseTemplates() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(h.funcs()).ParseFS(assets, "templates/layout.html"))
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(assets, f))
	}
	return out
}

// render writes page p with template name and status.
func (h *handler) render(w http.ResponseWriter, r *http.Request, sess *session, status int, name string, p *page) {
	h.fill(r, sess, p)
	h.execute(w, r, status, name, "layout", p)
}

// fill completes the layout's parts: the viewer, the CSRF token, the
// workspace switcher and the confirmation of a redirect.
func (h *handler) fill(r *http.Request, sess *session, p *page) {
	if sess != nil {
		p.Me = &viewer{Email: sess.email, Role: sess.role, WorkspaceID: sess.workspaceID}
		p.CSRF = sess.csrf
		if !p.Bare && p.Workspaces == nil {
			if l, err := h.admin.Workspaces(r.Context(), h.actor(r, sess)); err == nil {
				p.Workspaces = l
			}
		}
		if p.WS == nil && sess.workspaceID != "" {
			for i := range p.Workspaces {
				if p.Workspaces[i].ID == sess.workspaceID {
					p.WS = &p.Workspaces[i]
				}
			}
		}
	}
	if p.Flash == "" {
		p.Flash = flashes[r.URL.Query().Get("ok")]
	}
}

// execute runs one template of a page into a buffer, then answers.
func (h *handler) execute(w http.ResponseWriter, r *http.Request, status int, name, tmpl string, data any) {
	t := h.pages[name]
	var b bytes.Buffer
	if t == nil {
		h.log.ErrorContext(r.Context(), "no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&b, tmpl, data); err != nil {
		h.log.ErrorContext(r.Context(), "template failed", "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// errorView is the error page's data.
type errorView struct {
	Status  int
	Heading string
	Message string
	Code    string
}

// renderError answers err as a page: the API's status, code and message as
// they are; anything else is Signet's fault, logged and answered 500.
func (h *handler) renderError(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	v := errorView{Status: http.StatusInternalServerError, Message: "Something went wrong on our side. The details are in the server's log."}
	var ae *apiError
	var pe *pageError
	switch {
	case errors.As(err, &ae):
		v.Status, v.Message, v.Code = ae.Status, ae.Message, ae.Code
		if ae.Status >= 500 {
			h.log.ErrorContext(r.Context(), "dashboard: API failed", "path", r.URL.Path, "code", ae.Code)
		}
	case errors.As(err, &pe):
		v.Status, v.Message = pe.Status, pe.Message
	default:
		h.log.ErrorContext(r.Context(), "dashboard request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	v.Heading = map[int]string{400: "That did not work", 401: "Sign in again", 403: "Not allowed",
		404: "Not found", 409: "Conflict", 429: "Too many attempts"}[v.Status]
	if v.Heading == "" {
		v.Heading = http.StatusText(v.Status)
	}
	if v.Status == http.StatusForbidden && v.Message == "" {
		v.Message = "Your role does not allow this."
	}
	p := &page{Title: v.Heading, Bare: sess == nil, Data: v}
	h.render(w, r, sess, v.Status, "error", p)
}

func (h *handler) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string {
			return "/dashboard/static/" + name + "?v=" + h.assetVersion[name]
		},
		"ago":      func(t any) string { return ago(asTime(t), h.now()) },
		"when":     func(t any) string { return asTime(t).UTC().Format("2006-01-02 15:04 UTC") },
		"iso":      func(t any) string { return asTime(t).UTC().Format(time.RFC3339) },
		"pct":      pct,
		"describe": func(p verify.Profile) string { return p.Describe() },
		"profiles": verify.Profiles,
		"signsUID": userIDProfiles,
		"reasons":  verify.Reasons,
		"identity": identityOf,
		"list":     func(v ...string) []string { return v },
		"platform": platformName,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"short": func(s string, n int) string {
			if len([]rune(s)) <= n {
				return s
			}
			return string([]rune(s)[:n]) + "…"
		},
		"detail": func(v any) string {
			switch x := v.(type) {
			case string:
				return x
			case float64:
				return strconv.FormatFloat(x, 'f', -1, 64)
			}
			return fmt.Sprint(v)
		},
		"initial": func(s string) string {
			for _, r := range s {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
	}
}

func asTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

// ago is a short relative time: "just now", "5 min ago", "3 h ago",
// "2 days ago", else the date.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		d = -d
		switch {
		case d < time.Hour:
			return fmt.Sprintf("in %d min", int(d.Minutes())+1)
		case d < 48*time.Hour:
			return fmt.Sprintf("in %d h", int(d.Hours()))
		}
		return fmt.Sprintf("in %d days", int(d.Hours()/24))
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
	return t.UTC().Format("2 Jan 2006")
}

// pct formats part/total as a percentage with one decimal, "—" for 0/0.
func pct(part, total int) string {
	if total == 0 {
		return "—"
	}
	v := float64(part) * 100 / float64(total)
	if part != total && v > 99.9 {
		v = 99.9 // never round a shortfall up to 100%
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "%"
}

// identityView is an identity value as the user panel shows it. Identities
// are exact bytes: a look-alike (Cyrillic а) or a hidden direction control
// can make two values look the same, so such values are flagged and their
// escaped form is shown.
type identityView struct {
	Value string
	// Hidden: invisible or direction-control characters.
	Hidden bool
	// NonASCII: other characters outside ASCII (possible look-alikes).
	NonASCII bool
	Escaped  string
}

func identityOf(v string) identityView {
	out := identityView{Value: v}
	for _, r := range v {
		switch {
		case unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r):
			out.Hidden = true
		case r > unicode.MaxASCII:
			out.NonASCII = true
		}
	}
	if out.Hidden || out.NonASCII {
		out.Escaped = strconv.QuoteToASCII(v)
	}
	return out
}

// platformName is how a platform is written for people.
func platformName(p any) string {
	switch s := fmt.Sprint(p); s {
	case "ios":
		return "iOS"
	case "android":
		return "Android"
	case "web":
		return "Web"
	default:
		return s
	}
}
