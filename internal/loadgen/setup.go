package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// app is one app the bench created, with its key.
type app struct {
	profile          verify.Profile
	id, keyID        string
	secret           string
	logins           [][]byte // one login body per user, signed for this round
	firstLoginPrefix string
}

// user is one of the bench's users.
type user struct {
	uid, email, device string
	session            string // from a login on the first app
	issue              string // opened during set-up
}

// loginBody is what an SDK sends at login.
type loginBody struct {
	UserID        string `json:"user_id,omitempty"`
	Email         string `json:"email,omitempty"`
	UserHash      string `json:"user_hash,omitempty"`
	IdentityToken string `json:"identity_token,omitempty"`
	DeviceID      string `json:"device_id,omitempty"`
	AppVersion    string `json:"app_version,omitempty"`
}

// tokenLifetime is how long the bench's tokens live: the longest the
// profile takes (its description), less a margin, since a round re-signs
// every body before it runs; 0 for a profile whose tokens need no exp.
func tokenLifetime(d *verify.Description) time.Duration {
	const margin = time.Minute
	switch {
	case d.MaxLifetime > 0:
		return time.Duration(d.MaxLifetime)*time.Second - margin
	case d.MaxAhead > 0:
		return time.Duration(d.MaxAhead)*time.Second - margin
	case d.AppLifetime:
		return time.Hour - 5*margin // the app's maximum, one hour by default
	}
	return 0
}

// readsIdentity reports whether a token of d signs an identity of type t.
func readsIdentity(d *verify.Description, t verify.IdentityType) bool {
	for _, c := range d.Claims {
		if c.Kind == verify.ClaimIdentities || c.Kind == verify.ClaimIdentity && c.Identity == t {
			return true
		}
	}
	return false
}

// loginProof is the login body of uid on a, signed as the brand's backend
// would sign it (see the proof helper of internal/server's tests). What it
// signs and sends follows the profile's description: a token carries the
// identities the profile reads, and goes alone; a digest's login sends
// the user id, the email or both, as the profile requires.
func (b *bench) loginProof(a *app, uid, email, device string) ([]byte, error) {
	d := a.profile.Description()
	s := sign.Signer{Profile: a.profile, Secret: a.secret, KeyID: a.keyID, AppID: a.id, Now: b.cfg.Now}
	in := loginBody{DeviceID: device, AppVersion: "4.2.0"}
	c := sign.Claims{}
	if a.profile.IsJWT() {
		if readsIdentity(d, verify.UID) {
			c.UserID = uid
		}
		if readsIdentity(d, verify.Email) {
			c.Email = email
		}
		c.IssuedAt = b.cfg.Now()
		if life := tokenLifetime(d); life > 0 {
			c.ExpiresAt = c.IssuedAt.Add(life)
		}
	} else {
		if d.Requires != verify.Email {
			in.UserID, c.UserID = uid, uid
		}
		if d.Requires != verify.UID {
			in.Email, c.Email = email, email
		}
	}
	proof, err := s.Sign(c)
	if err != nil {
		return nil, err
	}
	if a.profile.IsJWT() {
		in.IdentityToken = proof
	} else {
		in.UserHash = proof
	}
	return json.Marshal(in)
}

// setUp creates the workspace, one app and key per profile, logs every user
// in once on every app (so later logins are returning ones) and, when a
// scenario needs them, opens one issue per user.
func (b *bench) setUp(ctx context.Context) error {
	cfg := b.cfg
	var ws struct{ ID string }
	if err := b.admin(ctx, "POST", "/api/admin/workspaces", map[string]any{"name": "signet bench " + b.runID}, &ws); err != nil {
		return fmt.Errorf("creating the workspace: %w", err)
	}
	for _, p := range cfg.Profiles {
		a := &app{profile: p}
		var out struct{ ID string }
		if err := b.admin(ctx, "POST", "/api/admin/workspaces/"+ws.ID+"/apps", map[string]any{
			"name": "bench " + string(p), "platform": "web", "profile": p,
			"enforcement": "enforce", "on_failure": "reject",
		}, &out); err != nil {
			return fmt.Errorf("creating the %s app: %w", p, err)
		}
		a.id = out.ID
		var key struct{ ID, Secret string }
		if err := b.admin(ctx, "POST", "/api/admin/apps/"+a.id+"/keys", map[string]any{}, &key); err != nil {
			return fmt.Errorf("creating the %s key: %w", p, err)
		}
		a.keyID, a.secret = key.ID, key.Secret
		a.firstLoginPrefix = "bench-" + b.runID + "-new-" + string(p) + "-"
		b.apps = append(b.apps, a)
	}
	b.users = make([]user, cfg.Users)
	for i := range b.users {
		b.users[i] = user{
			uid:    fmt.Sprintf("bench-%s-%d", b.runID, i),
			email:  fmt.Sprintf("bench-%s-%d@example.com", b.runID, i),
			device: fmt.Sprintf("bench-device-%d", i),
		}
	}
	b.progress("set-up: %d users logging in once on %d apps", cfg.Users, len(b.apps))
	for n, a := range b.apps {
		if err := b.signLogins(a); err != nil {
			return err
		}
		if err := b.logInAll(ctx, a, n == 0); err != nil {
			return err
		}
	}
	if cfg.runs(Read) || cfg.runs(Post) || cfg.runs(Stream) {
		b.progress("set-up: %d users opening an issue each", cfg.Users)
		err := b.parallel(ctx, len(b.users), func(i int) error {
			var out struct{ ID string }
			u := &b.users[i]
			if err := b.call(ctx, "POST", "/v1/issues", u.session, map[string]string{"message": "bench set-up issue"}, http.StatusCreated, &out); err != nil {
				return fmt.Errorf("opening an issue: %w", err)
			}
			u.issue = out.ID
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// signLogins signs every user's login body on a, afresh so tokens are
// young whatever the length of the run.
func (b *bench) signLogins(a *app) error {
	a.logins = make([][]byte, len(b.users))
	for i, u := range b.users {
		body, err := b.loginProof(a, u.uid, u.email, u.device)
		if err != nil {
			return fmt.Errorf("signing a %s login: %w", a.profile, err)
		}
		a.logins[i] = body
	}
	return nil
}

// logInAll logs every user in on a; with keep, their sessions are kept for
// the read, post and stream scenarios.
func (b *bench) logInAll(ctx context.Context, a *app, keep bool) error {
	return b.parallel(ctx, len(b.users), func(i int) error {
		var out struct {
			SessionToken string `json:"session_token"`
			Verified     bool
		}
		if err := b.call(ctx, "POST", "/v1/apps/"+a.id+"/login", "", json.RawMessage(a.logins[i]), http.StatusOK, &out); err != nil {
			return fmt.Errorf("%s login: %w", a.profile, err)
		}
		if !out.Verified {
			return fmt.Errorf("%s login: not verified", a.profile)
		}
		if keep {
			b.users[i].session = out.SessionToken
		}
		return nil
	})
}

// parallel runs f(0..n-1) on the bench's concurrency and returns the first error.
func (b *bench) parallel(ctx context.Context, n int, f func(i int) error) error {
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(b.cfg.Concurrency, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(n)) // stop the others
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// admin calls the admin API with the admin token.
func (b *bench) admin(ctx context.Context, method, path string, in, out any) error {
	return b.call(ctx, method, path, b.cfg.AdminToken, in, http.StatusCreated, out)
}

// call sends one set-up request to Signet and decodes its answer into out;
// any other status than want is an error quoting the answer.
func (b *bench) call(ctx context.Context, method, path, token string, in any, want int, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, b.target+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.signet.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// newRunID names one bench run: its workspace, users and messages carry it,
// so runs against one server never meet.
func newRunID() string {
	var r [4]byte
	rand.Read(r[:])
	return hex.EncodeToString(r[:])
}
