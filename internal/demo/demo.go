// Package demo is `signet serve --demo`: a demo workspace and web app, a
// demo user with an earlier conversation, and /demo, a pretend brand's page
// whose backend signs that user's identity and embeds the widget — the whole
// product in one minute.
package demo

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/demo.html"))

// The demo's names: found again on later runs, so seeding is idempotent.
const (
	WorkspaceName = "Demo: Acme Outfitters"
	AppName       = "Acme web shop"
	UserID        = "demo-jane-42"
	UserEmail     = "jane@acme.example"
	UserName      = "Jane Demo"
	// AccountEmail is the demo's dashboard account: an admin of the demo
	// workspace, not an owner of the instance, so that it never closes the
	// owner's first-run set-up (/dashboard/setup stays open until a real
	// owner account exists) and sees nothing of other workspaces.
	AccountEmail = "owner@demo.signet.example"
)

// Demo is a seeded demo: what /demo signs with.
type Demo struct {
	Workspace model.Workspace
	App       model.App
	keyID     string
	secret    string // the demo key's secret, kept in memory only
	now       func() time.Time
	// AccountPassword is set when this run created the demo's dashboard
	// account (AccountEmail); later runs leave its password alone
	// (`signet admin reset-password` sets a new one).
	AccountPassword string
}

// Deps are what seeding needs.
type Deps struct {
	Store         store.Store
	Box           *secretbox.Box
	Logins        *login.Service
	Conversations *conversation.Service
	Now           func() time.Time
}

// Seed creates (or finds) the demo workspace and app, gives the app a fresh
// key (revoking the previous run's: its secret was only ever in memory),
// and, the first time, an owner account and an earlier conversation.
func Seed(ctx context.Context, d Deps) (*Demo, error) {
	now := d.Now()
	out := &Demo{now: d.Now}
	ws, err := findOrCreateWorkspace(ctx, d.Store, now)
	if err != nil {
		return nil, err
	}
	out.Workspace = *ws
	app, fresh, err := findOrCreateApp(ctx, d.Store, ws, now)
	if err != nil {
		return nil, err
	}
	out.App = *app
	old, err := d.Store.AppKeys(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range old {
		if k.RevokedAt == nil {
			if _, err := d.Store.RevokeKey(ctx, k.ID, now, nil); err != nil {
				return nil, err
			}
		}
	}
	out.secret = keyring.Generate(app.Profile)
	k := keyring.New(d.Box, app, out.secret, false, now)
	if err := d.Store.CreateKey(ctx, k, nil); err != nil {
		return nil, err
	}
	out.keyID = k.ID
	if err := out.seedAccount(ctx, d.Store, ws, now); err != nil {
		return nil, err
	}
	if fresh {
		if err := out.seedConversation(ctx, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func findOrCreateWorkspace(ctx context.Context, st store.Store, now time.Time) (*model.Workspace, error) {
	all, err := st.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Name == WorkspaceName {
			return &all[i], nil
		}
	}
	ws := &model.Workspace{ID: model.NewID("ws"), Name: WorkspaceName, CreatedAt: now}
	return ws, st.CreateWorkspace(ctx, ws, nil)
}

func findOrCreateApp(ctx context.Context, st store.Store, ws *model.Workspace, now time.Time) (*model.App, bool, error) {
	apps, err := st.Apps(ctx, ws.ID)
	if err != nil {
		return nil, false, err
	}
	for i := range apps {
		if apps[i].Name == AppName {
			return &apps[i], false, nil
		}
	}
	a := &model.App{ID: model.NewID("app"), WorkspaceID: ws.ID, Name: AppName, Platform: model.PlatformWeb,
		Profile: verify.Signet, Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject,
		MaxTokenLifetime: int64(verify.DefaultMaxLifetime / time.Second), CreatedAt: now, UpdatedAt: now}
	return a, true, st.CreateApp(ctx, a, nil)
}

// seedAccount creates the demo's dashboard account the first time, an admin
// of the demo workspace with a random password shown once.
func (d *Demo) seedAccount(ctx context.Context, st store.Store, ws *model.Workspace, now time.Time) error {
	if _, err := st.AccountByEmail(ctx, AccountEmail); err == nil {
		return nil
	} else if model.ErrorCode(err) != model.CodeNotFound {
		return err
	}
	var b [12]byte
	rand.Read(b[:])
	d.AccountPassword = base64.RawURLEncoding.EncodeToString(b[:])
	return st.CreateAccount(ctx, &model.Account{ID: model.NewID("acc"), WorkspaceID: ws.ID, Email: AccountEmail, Role: model.RoleAdmin,
		PasswordHash: password.Hash(d.AccountPassword), CreatedAt: now}, nil)
}

// seedConversation gives the demo user an earlier issue with an agent's
// reply, through the real login and conversation logic.
func (d *Demo) seedConversation(ctx context.Context, deps Deps) error {
	token, err := d.Token()
	if err != nil {
		return err
	}
	res, err := deps.Logins.Login(ctx, d.App.ID, login.Request{IdentityToken: token, UserID: UserID, Name: UserName, DeviceID: "demo-seed"}, "")
	if err != nil {
		return err
	}
	issue, _, err := deps.Conversations.OpenIssue(ctx, &res.Session, "Hi! My order #1042 arrived with the wrong size. Can I exchange it?")
	if err != nil {
		return err
	}
	if _, err := deps.Conversations.AgentReply(ctx, issue, "demo-agent", "Hi Jane, sorry about that! I've started an exchange for a size M — you'll get a prepaid return label by email within the hour."); err != nil {
		return err
	}
	return deps.Store.RevokeSession(ctx, res.Session.ID, model.RevokedByLogout, d.now(), nil)
}

// Token signs the demo user's identity, as a brand's backend would.
func (d *Demo) Token() (string, error) {
	s := sign.Signer{Profile: verify.Signet, Secret: d.secret, KeyID: d.keyID, AppID: d.App.ID, Now: d.now}
	return s.Token(sign.Claims{UserID: UserID, Email: UserEmail, Name: UserName})
}

// Handler serves /demo (the pretend brand's page), /demo/token (its
// backend's signing endpoint, for the widget's fetchIdentityToken) and its
// script.
func (d *Demo) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /demo", func(w http.ResponseWriter, r *http.Request) {
		token, err := d.Token()
		if err != nil {
			http.Error(w, "the demo could not sign", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		page.Execute(w, map[string]string{"AppID": d.App.ID, "Token": token, "Name": UserName, "Email": UserEmail, "UserID": UserID})
	})
	mux.HandleFunc("POST /demo/token", func(w http.ResponseWriter, r *http.Request) {
		// A real backend checks its own session cookie here; the demo user
		// is always signed in.
		token, err := d.Token()
		if err != nil {
			http.Error(w, "the demo could not sign", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`{"token":"` + token + `"}`))
	})
	static := http.FileServerFS(assets)
	mux.Handle("GET /demo/assets/", http.StripPrefix("/demo", static))
	return mux
}
