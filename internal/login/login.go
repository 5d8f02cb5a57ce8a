// Package login turns what an SDK or web widget presents at login into a
// session: it verifies the identity with the app's profile and keys, applies
// the app's enforcement mode and failure behaviour, resolves the user, and
// records the attempt in the verification log. It also authenticates the
// session tokens it issues.
package login

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/throttle"
	"github.com/signet-id/signet/verify"
)

// Service logs users in and authenticates their sessions.
type Service struct {
	Store store.Store
	Box   *secretbox.Box
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionLifetime is how long a session lasts; 0 means 30 days.
	SessionLifetime time.Duration
	// Leeway is verify's clock leeway; 0 means its default.
	Leeway time.Duration
	// Observe, when set, is told of every attempt (for metrics).
	Observe func(app *model.App, a *model.Attempt, elapsed time.Duration)
	// Log receives the identity changes logins make; nil logs nothing.
	Log *slog.Logger
	// Guard holds the brute-force limits and suspicious-activity signals.
	Guard Guard
	// Suspicious, when set, is told when a signal ends a user's sessions.
	Suspicious func(signal string)
	// Limiter counts failed verifications against Guard's limits; nil
	// means one over Store for this node alone (several nodes share one
	// built with the events bus).
	Limiter *throttle.Limiter
	// JWKS keeps the keys of apps that publish a JWKS fresh (internal/jwks);
	// nil: such apps verify with the keys last fetched.
	JWKS JWKS

	once      sync.Once
	unsigned  *throttle.Rate
	devices   deviceMemo
	addresses deviceMemo // (user, address key) pairs remembered (guard.go)
	verifiers sync.Map   // app id → *verifierEntry
}

// init fills in what the zero Service lacks.
func (s *Service) init() {
	s.once.Do(func() {
		if s.Limiter == nil {
			s.Limiter = throttle.New(s.Store, nil, nil)
		}
		max, on := limit(s.Guard.UnsignedLogins, DefaultUnsignedLogins)
		if !on {
			max = -1
		}
		s.unsigned = &throttle.Rate{Max: max, Window: time.Minute}
	})
}

func (s *Service) limiter() *throttle.Limiter {
	s.init()
	return s.Limiter
}

// JWKS is what the login path asks of the fetcher of apps' JWKS.
type JWKS interface {
	// Maintain fetches the app's set again, in the background, when its
	// cache age has run out on this node.
	Maintain(app *model.App)
	// Refetch fetches the app's set now on a kid it does not list, at most
	// once a rate-limited interval per app on this node; it reports
	// whether the app's keys changed.
	Refetch(ctx context.Context, app *model.App) bool
}

// sharedReads is what a caching store (internal/cache) offers the login
// path: values shared between requests, never changed by anyone.
type sharedReads interface {
	SharedApp(ctx context.Context, id string) (*model.App, error)
	SharedKeys(ctx context.Context, appID string) ([]model.Key, error)
}

func (s *Service) app(ctx context.Context, id string) (*model.App, error) {
	if c, ok := s.Store.(sharedReads); ok {
		return c.SharedApp(ctx, id)
	}
	return s.Store.App(ctx, id)
}

func (s *Service) keys(ctx context.Context, appID string) ([]model.Key, error) {
	if c, ok := s.Store.(sharedReads); ok {
		return c.SharedKeys(ctx, appID)
	}
	return s.Store.AppKeys(ctx, appID)
}

// verifierEntry is an app's verifier, kept while the app and its keys are
// the ones it was built from: its HMAC states and header memo stay warm.
type verifierEntry struct {
	app   *model.App
	keys  []model.Key
	v     *verify.Verifier
	until time.Time // a retiring key stops verifying then: build again
}

// verifier returns the app's verifier, built again only when the app or
// its keys changed (a caching store returns the same values until then) or
// a key's grace period ended.
func (s *Service) verifier(ctx context.Context, app *model.App, now time.Time) (*verify.Verifier, error) {
	stored, err := s.keys(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	if e, ok := s.verifiers.Load(app.ID); ok {
		e := e.(*verifierEntry)
		if e.app == app && len(e.keys) == len(stored) && (len(stored) == 0 || &e.keys[0] == &stored[0]) && now.Before(e.until) {
			return e.v, nil
		}
	}
	v, err := s.newVerifier(app, stored, now)
	if err != nil {
		return nil, err
	}
	until := now.Add(24 * time.Hour)
	for i := range stored {
		if k := &stored[i]; k.RevokedAt == nil && k.RetiresAt != nil && k.RetiresAt.After(now) && k.RetiresAt.Before(until) {
			until = *k.RetiresAt
		}
	}
	s.verifiers.Store(app.ID, &verifierEntry{app: app, keys: stored, v: v, until: until})
	return v, nil
}

// newVerifier builds the verifier of an app with its stored keys (revoked
// and expired ones included: they name the reason and the cause).
func (s *Service) newVerifier(app *model.App, stored []model.Key, now time.Time) (*verify.Verifier, error) {
	keys, err := keyring.VerifierKeys(s.Box, app.Profile, stored, now)
	if err != nil {
		return nil, err
	}
	return verify.New(app.Profile, keys, s.verifyOptions(app))
}

// Request is the login body of CONTRACT.md.
type Request struct {
	UserID        string `json:"user_id"`
	Email         string `json:"email"`
	UserHash      string `json:"user_hash"`
	IdentityToken string `json:"identity_token"`
	Name          string `json:"name"`
	DeviceID      string `json:"device_id"`
	AppVersion    string `json:"app_version"`
	// AnonymousSession is the token of the anonymous session this device
	// had: on a verified login its issues move to the verified user.
	AnonymousSession string `json:"anonymous_session"`
}

// Result is a successful login: the session token, given to the client once.
type Result struct {
	Token   string
	Session model.Session
	User    model.User
}

// Limits on login fields other than identities (those are verify's).
const (
	maxName       = 200
	maxDeviceID   = 200
	maxAppVersion = 64
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Login logs a user in to app appID from clientAddr. Errors: not_found (no
// such app), invalid_request (a field too long or with control characters),
// rate_limited (too many failed verifications for this identity or address,
// or a suspicious-activity signal), or, when the app rejects a failed
// verification, an error coded with the verify reason (signature_mismatch,
// expired…), which the API answers with 401.
func (s *Service) Login(ctx context.Context, appID string, r Request, clientAddr string) (*Result, error) {
	res, err := s.login(ctx, appID, r, clientAddr)
	if errors.Is(err, store.ErrSplitMismatch) {
		// A helpshift-legacy login lost a race with another first login
		// of the same text (legacy.go): run it again, and checkLegacySplit
		// now sees the winner and applies the app's failure behaviour.
		res, err = s.login(ctx, appID, r, clientAddr)
		if errors.Is(err, store.ErrSplitMismatch) {
			return nil, model.Errorf(model.CodeConflict, "concurrent logins raced for the same identity; try again")
		}
	}
	return res, err
}

func (s *Service) login(ctx context.Context, appID string, r Request, clientAddr string) (*Result, error) {
	start := s.now()
	if !model.ValidID("app", appID) {
		return nil, model.Errorf(model.CodeNotFound, "no such app")
	}
	app, err := s.app(ctx, appID)
	if err != nil {
		return nil, err
	}
	if err := checkRequest(&r); err != nil {
		return nil, err
	}
	att := &model.Attempt{ID: model.NewOrderedID("att", start), WorkspaceID: app.WorkspaceID, AppID: app.ID, Platform: app.Platform,
		Profile: app.Profile, AppVersion: r.AppVersion, At: start}
	l := &store.Login{WorkspaceID: app.WorkspaceID, AppID: app.ID, Name: r.Name, Resolve: resolution.Resolve}
	hasIdentifier := r.UserID != "" || r.Email != "" || r.UserHash != "" || r.IdentityToken != ""
	// Only a login that presents a proof is throttled or counted: an old app
	// version that sends none (the monitor phase) is not an attack.
	proof := r.UserHash != "" || r.IdentityToken != ""
	addrKey := addressKey(clientAddr)
	if !proof || app.Enforcement == model.EnforcementOff {
		// Cheap to make, so bounded per address.
		if err := s.unsignedAllowed(addrKey, start); err != nil {
			s.observe(app, &model.Attempt{Result: model.ResultThrottled}, start)
			return nil, err
		}
	}
	var idKey string // the identities claimed (guard.go), for a verified login
	switch {
	case !hasIdentifier:
		// Nothing to verify: an anonymous visitor, in every mode.
		att.Result = model.ResultAnonymous
		l.Anonymous = true
	case app.Enforcement == model.EnforcementOff:
		att.Result = model.ResultUnverified
		l.Identities = claims(app, &r, nil)
		noteClaim(app, &r, att)
	default:
		idKey = identityKey(app, &r)
		var ticket *throttle.Ticket
		if proof {
			// Checking and counting are one step: this check is admitted
			// only while failures plus checks in flight stay under the limit.
			if ticket, err = s.admit(ctx, app, &r, idKey, clientAddr, start); err != nil {
				if model.ErrorCode(err) == model.CodeRateLimited {
					s.observe(app, &model.Attempt{Result: model.ResultThrottled}, start)
				}
				return nil, err
			}
		}
		verified, err := s.verify(ctx, app, &r, att)
		if derr := ticket.Done(ctx, s.now(), err == nil && verified == nil); err == nil {
			err = derr
		}
		if err == nil && verified != nil {
			// The holder is read here only when a signal needs it; most
			// returning logins leave it to the store, which reads the
			// holders of a whole batch at once inside its transaction.
			h := &lazyHolder{s: s, workspaceID: app.WorkspaceID, ids: verified.Identities}
			err = s.refuseIfSuspicious(ctx, app, att, verified, h, pairKey(idKey, addrKey), idKey, r.DeviceID, start)
			l.Holder = h.user
		}
		if err == nil && verified == nil {
			noteClaim(app, &r, att)
		}
		switch {
		case err != nil:
			return nil, err
		case verified != nil:
			att.Result, att.KeyID = model.ResultVerified, verified.KeyID
			l.Identities = signedIdentities(app, verified, start)
			l.Identities = append(l.Identities, claims(app, &r, verified)...)
			l.Session.KeyID = verified.KeyID
			l.ExactSplit = legacySplits(app, verified)
			l.Session.SignedFields = signedFields(verified)
			if name := verified.Attributes["name"]; name != "" {
				l.Name, l.NameSigned = name, true
			}
			if app.OneTimeTokens && verified.TokenID != "" {
				l.OneTimeToken = &store.UsedToken{JTI: verified.TokenID, ExpiresAt: s.tokenExpiry(verified, start)}
			}
		default:
			if err := s.unverified(ctx, app, &r, att, l, start); err != nil {
				return nil, err
			}
		}
	}
	lifetime := s.SessionLifetime
	if lifetime <= 0 {
		lifetime = model.DefaultSessionLifetime
	}
	l.Session.ID = model.NewOrderedID("ses", start)
	token, hash := newSessionToken(l.Session.ID)
	l.Session.WorkspaceID, l.Session.AppID = app.WorkspaceID, app.ID
	l.Session.TokenHash = hash
	l.Session.Verified = att.Result == model.ResultVerified
	l.Session.Anonymous = l.Anonymous
	l.Session.DeviceID, l.Session.AppVersion = r.DeviceID, r.AppVersion
	l.Session.CreatedAt = start
	l.Session.ExpiresAt = start.Add(lifetime)
	if l.Session.SignedFields == nil {
		l.Session.SignedFields = []string{}
	}
	l.Attempt = *att
	if l.Session.Verified && r.AnonymousSession != "" {
		l.HandOver = s.anonymousSession(ctx, app, r.AnonymousSession)
	}
	out, err := s.Store.Login(ctx, l)
	if l.OneTimeToken != nil && model.ErrorCode(err) == model.Code(verify.ReasonReplayed) {
		// The token's jti was used before, here or on another node: a
		// failed verification, which the app's settings answer.
		if err = s.replayed(ctx, app, &r, att, l, start); err == nil {
			out, err = s.Store.Login(ctx, l)
		}
	}
	if err != nil {
		return nil, err
	}
	if l.Session.Verified {
		s.devices.add(deviceMemoKey(out.User.ID, ""), r.DeviceID, start)
		if idKey != "" {
			s.devices.add(deviceMemoKey("", idKey), r.DeviceID, start)
		}
		s.remember(ctx, out.User.ID, clientAddr, start)
	}
	s.observe(app, att, start)
	if s.Log != nil && len(out.Changed) > 0 {
		// Identity values are personal data: the log names the types only;
		// the user panel shows the values to the brand's staff.
		types := make([]string, 0, len(out.Changed))
		for _, id := range out.Changed {
			types = append(types, string(id.Type))
		}
		s.Log.InfoContext(ctx, "verified identities changed by a signed login", "user", out.User.ID, "app", app.ID,
			"key", l.Session.KeyID, "types", types)
	}
	if s.Log != nil && out.HandedOver > 0 {
		s.Log.InfoContext(ctx, "anonymous issues handed over to a verified user", "user", out.User.ID, "issues", out.HandedOver)
	}
	return &Result{Token: token, Session: out.Session, User: out.User}, nil
}

// unverified applies the app's enforcement and failure behaviour to a
// login whose proof did not verify (att.Reason says why): monitor logs an
// unverified user in, on_failure anonymous an anonymous one; reject records
// the attempt and refuses the login with the reason.
func (s *Service) unverified(ctx context.Context, app *model.App, r *Request, att *model.Attempt, l *store.Login, start time.Time) error {
	switch {
	case app.Enforcement == model.EnforcementMonitor:
		att.Result = model.ResultUnverified
		l.Identities = claims(app, r, nil)
	case app.OnFailure == model.OnFailureAnonymous:
		att.Result = model.ResultAnonymous
		l.Anonymous = true
	default:
		att.Result = model.ResultRejected
		if err := s.Store.RecordAttempt(ctx, att); err != nil {
			return err
		}
		s.observe(app, att, start)
		return model.Errorf(model.Code(att.Reason), "identity verification failed")
	}
	return nil
}

// replayed turns l, a verified login whose one-time token the store found
// used (nothing of it was written), into a failed verification with reason
// replayed, and applies the app's settings (unverified): l is then the
// login to write, unless the app rejects it.
func (s *Service) replayed(ctx context.Context, app *model.App, r *Request, att *model.Attempt, l *store.Login, start time.Time) error {
	*att = model.Attempt{ID: att.ID, WorkspaceID: att.WorkspaceID, AppID: att.AppID, Platform: att.Platform,
		Profile: att.Profile, AppVersion: att.AppVersion, At: att.At, Reason: verify.ReasonReplayed,
		Diagnosis: "this token's jti was already used to log in: the app accepts each token once"}
	noteClaim(app, r, att)
	*l = store.Login{WorkspaceID: l.WorkspaceID, AppID: l.AppID, Name: r.Name, Resolve: l.Resolve, Session: l.Session}
	l.Session.KeyID, l.Session.UserID, l.Session.SignedFields = "", "", []string{}
	if err := s.unverified(ctx, app, r, att, l, start); err != nil {
		return err
	}
	l.Session.Verified, l.Session.Anonymous = false, l.Anonymous
	l.Attempt = *att
	return nil
}

// tokenExpiry is when a one-time token can no longer pass verification:
// its exp plus the clock leeway. Its jti is kept until then.
func (s *Service) tokenExpiry(v *verify.Verified, now time.Time) time.Time {
	leeway := s.Leeway
	if leeway <= 0 {
		leeway = verify.DefaultLeeway
	}
	if v.ExpiresAt == 0 {
		return now.Add(verify.DefaultMaxLifetime + leeway)
	}
	return time.Unix(v.ExpiresAt, 0).Add(leeway)
}

func (s *Service) observe(app *model.App, att *model.Attempt, start time.Time) {
	if s.Observe != nil {
		s.Observe(app, att, s.now().Sub(start))
	}
}

// verify checks the proof. It returns the verified identity, or nil with the
// failure's reason, cause and diagnosis written into att.
func (s *Service) verify(ctx context.Context, app *model.App, r *Request, att *model.Attempt) (*verify.Verified, error) {
	if app.JWKSURL != "" && s.JWKS != nil {
		s.JWKS.Maintain(app)
	}
	v, err := s.verifier(ctx, app, s.now())
	if err != nil {
		return nil, err
	}
	req := verify.Request{UserID: r.UserID, Email: r.Email, Digest: r.UserHash, Token: r.IdentityToken}
	got, verr := v.Verify(req)
	if app.JWKSURL != "" && s.JWKS != nil && verify.ReasonOf(verr) == verify.ReasonKeyUnknown && s.JWKS.Refetch(ctx, app) {
		// A kid the set did not list: the brand may have just published
		// it. The fetch changed the keys: verify again with them.
		if v, err = s.verifier(ctx, app, s.now()); err != nil {
			return nil, err
		}
		got, verr = v.Verify(req)
	}
	if verr == nil {
		verr = checkUserIDPattern(app, got)
	}
	var split *verify.Error // a helpshift-legacy split of another user's identity (legacy.go)
	if verr == nil {
		if split, err = s.checkLegacySplit(ctx, app, got); err != nil {
			return nil, err
		} else if split != nil {
			verr = split
		}
	}
	if verr == nil {
		return got, nil
	}
	var ve *verify.Error
	if !errors.As(verr, &ve) {
		return nil, verr
	}
	att.Reason = ve.Reason
	cands, err := s.candidates(ctx, app)
	if err != nil {
		return nil, err
	}
	if d, ok := v.Diagnose(req, verr, cands); ok {
		att.Cause, att.Diagnosis = d.Cause, d.Message
	} else if split != nil {
		att.Diagnosis = split.Message
	} else if claimHint(ve.Reason) {
		// No signature to re-compute: the verifier's own words name the
		// vendor's claim at fault ("the external_id claim must be a string,
		// and this one is a number…").
		att.Diagnosis = ve.Message
	}
	return nil, nil
}

// claimHint reports whether a failure's message names the claim at fault,
// which the verification log then shows when the doctor has no cause.
func claimHint(r verify.Reason) bool {
	return r == verify.ReasonClaimInvalid || r == verify.ReasonIdentityRequired || r == verify.ReasonIdentityMismatch
}

// verifyOptions are the app's settings as the verifier takes them.
func (s *Service) verifyOptions(app *model.App) verify.Options {
	return verify.Options{AppID: app.ID, Audience: app.AudienceAlias, FullPrivacy: app.FullPrivacy,
		MaxLifetime: time.Duration(app.MaxTokenLifetime) * time.Second, Leeway: s.Leeway, Now: s.Now, JWKSURL: app.JWKSURL,
		OneTimeTokens: app.OneTimeTokens && app.Profile == verify.Signet}
}

// checkUserIDPattern applies the app's user-id pattern to the signed uid.
func checkUserIDPattern(app *model.App, got *verify.Verified) error {
	re, err := app.UserIDRegexp()
	if err != nil || re == nil {
		return err
	}
	for _, id := range got.Identities {
		if id.Type == verify.UID && !re.MatchString(id.Value) {
			return &verify.Error{Reason: verify.ReasonMalformed, Message: "the user id does not match the app's user-id pattern"}
		}
	}
	return nil
}

// maxCandidates bounds the doctor's work on one failed login.
const maxCandidates = 32

// candidates are the other secrets the doctor tries: the workspace's keys of
// other apps, and the app id (keying with it is a known mistake).
func (s *Service) candidates(ctx context.Context, app *model.App) ([]verify.Candidate, error) {
	keys, err := s.Store.WorkspaceKeys(ctx, app.WorkspaceID)
	if err != nil {
		return nil, err
	}
	apps, err := s.Store.Apps(ctx, app.WorkspaceID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(apps))
	for _, a := range apps {
		names[a.ID] = a.Name
	}
	out := []verify.Candidate{{Kind: verify.NotTheSecret, Label: "the app id", Secret: app.ID}}
	for i := range keys {
		k := &keys[i]
		if k.AppID == app.ID || k.IsPublicKey() || len(out) == maxCandidates {
			continue
		}
		secret, err := keyring.Open(s.Box, k)
		if err != nil {
			return nil, err
		}
		out = append(out, verify.Candidate{Kind: verify.OtherKey, Label: "key " + k.ID + " of app " + quote(names[k.AppID]), Secret: secret})
	}
	return out, nil
}

func quote(s string) string { return "“" + s + "”" }

// noteClaim writes into an attempt that was not verified the identity it
// named, for the log: the request's user_id and email, else what the
// token's payload says (read without verifying it). Unverified text, kept
// as model.ClaimedValue allows.
func noteClaim(app *model.App, r *Request, att *model.Attempt) {
	uid, email := r.UserID, r.Email
	if uid == "" && email == "" && r.IdentityToken != "" {
		for _, id := range verify.PeekIdentities(app.Profile, r.IdentityToken) {
			switch {
			case id.Type == verify.UID && uid == "":
				uid = id.Value
			case id.Type == verify.Email && email == "":
				email = id.Value
			}
		}
	}
	if uid != "" {
		att.ClaimedUserID = model.ClaimedValue(uid)
	}
	if email != "" {
		att.ClaimedEmail = model.ClaimedValue(email)
	}
}

// signedIdentities are the identities the signature covers.
func signedIdentities(app *model.App, v *verify.Verified, now time.Time) []model.Identity {
	out := make([]model.Identity, 0, len(v.Identities))
	for _, id := range v.Identities {
		at := now
		out = append(out, model.Identity{Type: id.Type, Value: id.Value, Verified: true, Metadata: id.Metadata,
			AppID: app.ID, KeyID: v.KeyID, SeenAt: now, VerifiedAt: &at})
	}
	return out
}

// claims are the identifiers sent but not covered by v (all of them when v
// is nil): stored for agents to see, never trusted.
func claims(app *model.App, r *Request, v *verify.Verified) []model.Identity {
	var out []model.Identity
	add := func(t verify.IdentityType, value string) {
		if value == "" {
			return
		}
		if v != nil {
			for _, id := range v.Identities {
				if id.Type == t && id.Value == value {
					return
				}
			}
		}
		out = append(out, model.Identity{Type: t, Value: value, AppID: app.ID})
	}
	add(verify.UID, r.UserID)
	add(verify.Email, r.Email)
	return out
}

// signedFields names what the signature covered: identity types, then other
// signed claims such as name.
func signedFields(v *verify.Verified) []string {
	out := make([]string, 0, len(v.Identities)+len(v.Attributes))
	for _, id := range v.Identities {
		out = append(out, string(id.Type))
	}
	for _, name := range verify.PylonAttributes() {
		if _, ok := v.Attributes[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

func checkRequest(r *Request) error {
	for _, f := range []struct{ name, value string }{{"user_id", r.UserID}, {"email", r.Email}} {
		if !verify.ValidIdentity(f.value) {
			return model.Errorf(model.CodeInvalid, "%s must be UTF-8 text without control or invisible formatting characters, at most %d bytes", f.name, verify.MaxIdentityLength)
		}
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"name", r.Name, maxName}, {"device_id", r.DeviceID, maxDeviceID}, {"app_version", r.AppVersion, maxAppVersion}} {
		if len(f.value) > f.max || !verify.ValidIdentityValue(f.value) {
			return model.Errorf(model.CodeInvalid, "%s must be UTF-8 text without control characters, at most %d bytes", f.name, f.max)
		}
	}
	return nil
}

// sessionPrefix marks Signet session tokens, so a leaked one is recognisable
// by secret scanners.
const sessionPrefix = "sst_"

// A session token is sessionPrefix, the session's id without its "ses_",
// "_" and 32 random bytes in base64url: "sst_" + 16 + "_" + 43 characters.
// Naming the session lets Authenticate find it by its primary key, so the
// sessions table needs no index over the random token hashes, which cost
// every login a random index page. Tokens issued before carried the random
// part alone (legacyTokenLen characters) and are found by their hash until they
// expire.
const (
	sessionIDLen     = 16 // model.NewOrderedID's characters after "ses_"
	sessionSecretLen = 43 // 32 bytes in unpadded base64url
	sessionTokenLen  = len(sessionPrefix) + sessionIDLen + 1 + sessionSecretLen
	legacyTokenLen   = len(sessionPrefix) + sessionSecretLen
)

// newSessionToken returns the token of session id and its hash, what the
// session stores.
func newSessionToken(id string) (token string, hash []byte) {
	var b [32]byte
	rand.Read(b[:])
	token = sessionPrefix + strings.TrimPrefix(id, "ses_") + "_" + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// sessionOfToken returns the id of the session a token names: "" for a
// token of the legacy shape, which names none; ok is false when token has
// neither shape, so that junk never reaches a query.
func sessionOfToken(token string) (id string, ok bool) {
	rest, found := strings.CutPrefix(token, sessionPrefix)
	switch {
	case !found:
		return "", false
	case len(token) == legacyTokenLen:
		return "", tokenSecret(rest)
	case len(token) == sessionTokenLen && rest[sessionIDLen] == '_':
		id = "ses_" + rest[:sessionIDLen]
		if !model.ValidID("ses", id) || !tokenSecret(rest[sessionIDLen+1:]) {
			return "", false
		}
		return id, true
	}
	return "", false
}

// tokenSecret reports whether s is a token's secret: 32 bytes in unpadded
// base64url (the decoder skips line breaks, which the length then refuses).
func tokenSecret(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

// HashToken is how session and API tokens are stored: SHA-256 of the text.
// The tokens carry 256 random bits, so a fast hash is enough.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// refuseIfSuspicious checks the suspicious-activity signals on a verified
// login before anything is written: when one fires, the user's sessions end,
// the attempt is logged as rejected with the signal, and the login is
// refused with 429 — no session, no hand-over.
func (s *Service) refuseIfSuspicious(ctx context.Context, app *model.App, att *model.Attempt, v *verify.Verified, h *lazyHolder, failKey, idKey, deviceID string, now time.Time) error {
	signal, wait, err := s.suspicious(ctx, failKey, idKey, h, deviceID, now)
	if err != nil || signal == "" {
		return err
	}
	holder, err := h.get(ctx)
	if err != nil {
		return err
	}
	ended := 0
	if holder != nil {
		if ended, err = s.Store.RevokeUserSessions(ctx, holder.ID, model.RevokedBySuspicion, now, nil); err != nil {
			return err
		}
		att.UserID = holder.ID
	}
	att.Result, att.KeyID = model.ResultRejected, v.KeyID
	att.Diagnosis = "suspicious activity (" + signal + "): the user's sessions were ended"
	if err := s.Store.RecordAttempt(ctx, att); err != nil {
		return err
	}
	s.observe(app, att, now)
	if s.Log != nil {
		s.Log.WarnContext(ctx, "suspicious activity: all the user's sessions ended", "signal", signal,
			"user", att.UserID, "app", app.ID, "sessions_ended", ended)
	}
	if s.Suspicious != nil {
		s.Suspicious(signal)
	}
	if signal == SignalManyDevices {
		return rateLimited(wait, "unusual activity on this account: its sessions were ended; try again later")
	}
	return rateLimited(wait, "too many failed attempts before this one: the account's sessions were ended; try again later")
}

// anonymousSession returns the id of the live anonymous session of token in
// app's workspace, or "" (the store checks again inside the transaction).
func (s *Service) anonymousSession(ctx context.Context, app *model.App, token string) string {
	sess, err := s.Authenticate(ctx, token)
	if err != nil || !sess.Anonymous || sess.WorkspaceID != app.WorkspaceID {
		return ""
	}
	return sess.ID
}

// Authenticate returns the live session of a bearer token. Errors:
// unauthenticated (malformed or unknown token), session_expired,
// session_revoked.
func (s *Service) Authenticate(ctx context.Context, token string) (*model.Session, error) {
	id, ok := sessionOfToken(token)
	if !ok {
		return nil, model.Errorf(model.CodeUnauthenticated, "a session token is required: log in first")
	}
	// The store compares the hash of a token that names its session in
	// constant time, and a wrong secret is not_found like an unknown id.
	sess, err := s.Store.SessionByToken(ctx, id, HashToken(token))
	if model.ErrorCode(err) == model.CodeNotFound {
		return nil, model.Errorf(model.CodeUnauthenticated, "unknown session token: log in again")
	}
	if err != nil {
		return nil, err
	}
	if err := sess.Check(s.now()); err != nil {
		return nil, err
	}
	return sess, nil
}

// Logout ends sess, a session Authenticate returned: POST /v1/logout.
func (s *Service) Logout(ctx context.Context, sess *model.Session) error {
	return s.Store.RevokeSession(ctx, sess.ID, model.RevokedByLogout, s.now(), nil)
}

// User returns sess's user, with its identities: GET /v1/me.
func (s *Service) User(ctx context.Context, sess *model.Session) (*model.User, error) {
	return s.Store.User(ctx, sess.UserID)
}

// Recheck reads sess again and checks it is still live, for a long-lived
// request (an event stream) that a revocation should end. Errors as
// Authenticate's: session_expired, session_revoked.
func (s *Service) Recheck(ctx context.Context, sess *model.Session) error {
	cur, err := s.Store.Session(ctx, sess.ID)
	if err != nil {
		return err
	}
	return cur.Check(s.now())
}
