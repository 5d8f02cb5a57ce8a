package login

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/throttle"
	"github.com/signet-id/signet/verify"
)

// Guard holds the brute-force limits and the suspicious-activity signals.
// Failures are counted by the throttle package: in memory, in the database
// and, through the events bus, on every node of one PostgreSQL database.
// The zero value means the defaults; a negative limit
// turns that check off.
type Guard struct {
	// Window is how long failures are counted: a fixed window from the first
	// failure. Someone else's failures lock a user out no longer than this.
	Window time.Duration
	// IdentityFailures and AddressFailures are the failed verifications
	// allowed per identity (in a workspace) and per client address in a
	// window, before logins answer 429.
	IdentityFailures, AddressFailures int
	// FailuresThenSuccess: a verified login of an identity that failed this
	// many times in the current window ends all the user's sessions (the
	// burst may have found the secret) and is refused until the window ends.
	FailuresThenSuccess int
	// Devices: more verified logins of one user from this many distinct
	// devices within DeviceWindow end all the user's sessions.
	Devices      int
	DeviceWindow time.Duration
	// UnsignedLogins is how many logins without a proof (anonymous
	// visitors, old app versions during monitor, apps under off) one
	// client address may make per minute on a node, before 429.
	UnsignedLogins int
	// Delay slows guessing down before the lock: past half of a limit,
	// each further failure is answered Delay later, doubling per failure
	// (at most throttle.MaxDelay). Negative: no slow-down.
	Delay time.Duration
}

// Defaults of Guard.
const (
	DefaultWindow              = 15 * time.Minute
	DefaultIdentityFailures    = 10
	DefaultAddressFailures     = 100
	DefaultFailuresThenSuccess = 5
	DefaultDevices             = 10
	DefaultDeviceWindow        = 10 * time.Minute
	DefaultUnsignedLogins      = 300
	DefaultDelay               = 500 * time.Millisecond
	// KnownAddressAge is how long a verified login keeps its address (and
	// device) known for the user: the identity's lock does not apply there.
	KnownAddressAge = 90 * 24 * time.Hour
)

func (g Guard) window() time.Duration { return orDuration(g.Window, DefaultWindow) }

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// limit returns v, its default when 0, and false when the check is off.
func limit(v, def int) (int, bool) {
	switch {
	case v < 0:
		return 0, false
	case v == 0:
		return def, true
	}
	return v, true
}

// claimedIdentities are the identifiers a proof claims to cover: those a
// digest covers (never an unsigned field riding along, which an attacker
// could vary to get a fresh counter), or those a token claims, read before
// it is verified.
func claimedIdentities(app *model.App, r *Request) []verify.Identity {
	if app.Profile.IsJWT() {
		return verify.PeekIdentities(app.Profile, r.IdentityToken)
	}
	if _, covered, err := verify.DigestMessage(app.Profile, r.UserID, r.Email, app.FullPrivacy); err == nil {
		return covered
	}
	return nil
}

// identityKey names the counter of the identity a proof claims. Hashed:
// personal data stays out of the throttle table.
func identityKey(app *model.App, r *Request) string {
	ids := claimedIdentities(app, r)
	if len(ids) == 0 {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(app.WorkspaceID))
	for _, id := range ids {
		h.Write([]byte("\x00" + string(id.Type) + "=" + id.Value))
	}
	return "id:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// addressKey names a client address's counter: the address for IPv4, its
// /64 for IPv6 (throttle.AddressGroup), hashed like identities: no raw
// address is kept in the database.
func addressKey(addr string) string {
	if addr == "" {
		return ""
	}
	h := sha256.Sum256([]byte(throttle.AddressGroup(addr)))
	return "ip:" + hex.EncodeToString(h[:16])
}

// pairKey names the counter of one identity from one address: the limit
// that stops a guesser without touching the identity's owner elsewhere.
func pairKey(idKey, addrKey string) string {
	if idKey == "" || addrKey == "" {
		return ""
	}
	h := sha256.Sum256([]byte(idKey + "\x00" + addrKey))
	return "pair:" + hex.EncodeToString(h[:16])
}

// The lock-out rules, after Keycloak's brute-force detector and Auth0's
// (SECURITY.md, "Lock-out"):
//
//   - an identity from one address (pairKey) may fail IdentityFailures
//     times in a window, then that pair is locked until the window ends;
//   - an address may fail AddressFailures times, whatever the identities;
//   - an identity may fail IdentityFailures times in all, from anywhere;
//     then it is locked only for addresses and devices it never logged in
//     from (a verified login in the last KnownAddressAge): its owner, on
//     their usual address or device, still logs in, under the pair limit;
//   - past half of a limit each failure is answered later (Delay,
//     doubling): slow-down before the lock;
//   - the failures-then-success signal counts the pair: only a success
//     from the address that failed ends the user's sessions.
//
// Every lock is a fixed window from the first failure: it expires.

// checks are the brute-force limits a login with a proof is checked
// against: its identity's from its address, its address's, and its
// identity's from anywhere.
func (s *Service) checks(idKey, addrKey string) []throttle.Check {
	window := s.Guard.window()
	delay := s.Guard.Delay
	if delay == 0 {
		delay = DefaultDelay
	}
	var out []throttle.Check
	for _, c := range []struct {
		key    string
		v, def int
	}{
		{pairKey(idKey, addrKey), s.Guard.IdentityFailures, DefaultIdentityFailures},
		{addrKey, s.Guard.AddressFailures, DefaultAddressFailures},
		{idKey, s.Guard.IdentityFailures, DefaultIdentityFailures},
	} {
		// A limit that is off still counts: the failures-then-success
		// signal reads the pair's count.
		max, on := limit(c.v, c.def)
		if !on {
			max = -1
		}
		if c.key != "" {
			l := throttle.Limit{Max: max, Window: window}
			if on && delay > 0 {
				l.SlowAfter, l.Delay = max/2, delay
			}
			out = append(out, throttle.Check{Key: c.key, Limit: l})
		}
	}
	return out
}

// admit admits one check of a login's proof under its limits (checks).
// When the identity's limit refused it, and the identity's owner logged in
// from this address or device before, it is admitted under the pair and
// address limits alone: failures from elsewhere never lock the owner out.
// The owner's look-up runs only then, never on the common path.
func (s *Service) admit(ctx context.Context, app *model.App, r *Request, idKey, clientAddr string, now time.Time) (*throttle.Ticket, error) {
	addrKey := addressKey(clientAddr)
	checks := s.checks(idKey, addrKey)
	t, err := s.limiter().Try(ctx, now, checks...)
	if model.ErrorCode(err) != model.CodeRateLimited || idKey == "" {
		return t, err
	}
	known, kerr := s.knownHere(ctx, app, r, addrKey, now)
	if kerr != nil || !known {
		return nil, err
	}
	for i := range checks {
		if checks[i].Key == idKey {
			checks[i].Limit.Max = -1 // counted, not refused
		}
	}
	return s.limiter().Try(ctx, now, checks...)
}

// knownHere reports whether the user who holds the identity r claims
// logged in, verified, from this address (or with this device id) lately.
func (s *Service) knownHere(ctx context.Context, app *model.App, r *Request, addrKey string, now time.Time) (bool, error) {
	holder, err := s.holder(ctx, app.WorkspaceID, claimedIdentities(app, r))
	if err != nil || holder == nil {
		return false, err
	}
	since := now.Add(-KnownAddressAge)
	if addrKey != "" {
		if known, err := s.Store.AddressKnown(ctx, holder.ID, addrKey, since); err != nil || known {
			return known, err
		}
	}
	if r.DeviceID != "" {
		return s.Store.DeviceSeen(ctx, holder.ID, r.DeviceID, since)
	}
	return false, nil
}

// remember records, after a verified login, that the user logs in from
// this address: written once per (user, address) per node and day, so a
// returning login costs no write and no read.
func (s *Service) remember(ctx context.Context, userID, clientAddr string, now time.Time) {
	addrKey := addressKey(clientAddr)
	if userID == "" || addrKey == "" || s.addresses.seen(userID, addrKey, now.Add(-24*time.Hour)) {
		return
	}
	if err := s.Store.RememberAddress(ctx, userID, addrKey, now); err != nil {
		if s.Log != nil {
			s.Log.WarnContext(ctx, "the login's address was not remembered", "user", userID, "err", err)
		}
		return
	}
	s.addresses.add(userID, addrKey, now)
}

// unsignedAllowed applies the rate of logins without a proof per address.
func (s *Service) unsignedAllowed(addrKey string, now time.Time) error {
	s.init()
	if ok, wait := s.unsigned.Allow(addrKey, now); !ok {
		return rateLimited(wait, "too many logins from this address; try again shortly")
	}
	return nil
}

// suspicious checks the signals on a verified login, before anything is
// written. failKey is the counter the failures-then-success signal reads:
// the identity's from this address (pairKey). idKey names the identities
// the login claims (identityKey); h reads the user who already holds the
// signed identity (none for a new one) when a signal needs it. It returns
// the signal that fired, if any, and how long to wait.
func (s *Service) suspicious(ctx context.Context, failKey, idKey string, h *lazyHolder, deviceID string, now time.Time) (string, time.Duration, error) {
	if max, on := limit(s.Guard.FailuresThenSuccess, DefaultFailuresThenSuccess); on && failKey != "" {
		t, err := s.limiter().Failures(ctx, failKey, now)
		if err != nil {
			return "", 0, err
		}
		if t.Count >= max {
			return SignalFailuresThenSuccess, t.ResetAt.Sub(now), nil
		}
	}
	if max, on := limit(s.Guard.Devices, DefaultDevices); on && deviceID != "" {
		window := orDuration(s.Guard.DeviceWindow, DefaultDeviceWindow)
		// A device already seen in the window cannot raise the count: the
		// count runs only for a new one. This node remembers the devices
		// it logged in, by the identities claimed (a verified identity
		// never changes holder), so a returning device costs no read, not
		// even of its holder.
		if idKey != "" && s.devices.seen(deviceMemoKey("", idKey), deviceID, now.Add(-window)) {
			return "", 0, nil
		}
		holder, err := h.get(ctx)
		if err != nil || holder == nil {
			return "", 0, err
		}
		seen := s.devices.seen(deviceMemoKey(holder.ID, ""), deviceID, now.Add(-window))
		if !seen {
			if seen, err = s.Store.DeviceSeen(ctx, holder.ID, deviceID, now.Add(-window)); err != nil {
				return "", 0, err
			}
		}
		n := 0
		if !seen {
			if n, err = s.Store.CountUserDevices(ctx, holder.ID, now.Add(-window), deviceID); err != nil {
				return "", 0, err
			}
		}
		if n > max {
			return SignalManyDevices, window, nil
		}
	}
	return "", 0, nil
}

// deviceMemoKey names a user, or (when the login claimed identities) the
// identities a login claimed, in the memo of devices: the latter lets a
// returning device skip reading its holder.
func deviceMemoKey(userID, idKey string) string {
	if idKey != "" {
		return idKey
	}
	return "user:" + userID
}

// lazyHolder reads, once and only when asked, the user who holds one of
// the signed identities a login verified.
type lazyHolder struct {
	s           *Service
	workspaceID string
	ids         []verify.Identity
	read        bool
	user        *model.User
	err         error
}

func (h *lazyHolder) get(ctx context.Context) (*model.User, error) {
	if !h.read {
		h.read = true
		h.user, h.err = h.s.holder(ctx, h.workspaceID, h.ids)
	}
	return h.user, h.err
}

// The suspicious-activity signals.
const (
	SignalFailuresThenSuccess = "failures_then_success"
	SignalManyDevices         = "many_devices"
)

// holder finds the user who holds one of the signed identities verified.
func (s *Service) holder(ctx context.Context, workspaceID string, ids []verify.Identity) (*model.User, error) {
	for _, id := range ids {
		u, err := s.Store.VerifiedUser(ctx, workspaceID, id.Type, id.Value)
		switch {
		case model.ErrorCode(err) == model.CodeNotFound:
			continue
		case err != nil:
			return nil, err
		}
		return u, nil
	}
	return nil, nil
}

func rateLimited(wait time.Duration, message string) error {
	return throttle.RateLimited(wait, message)
}

// deviceMemo remembers, per node, the (user, device) pairs this node logged
// in and when: a returning device then needs no read to know it is not new.
// Bounded: past maxDevices it starts over (a miss costs one read).
type deviceMemo struct {
	mu sync.Mutex
	m  map[[2]string]time.Time
}

const maxDevices = 100_000

// seen reports whether this node logged the user in from the device after since.
func (d *deviceMemo) seen(who, deviceID string, since time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.m[[2]string{who, deviceID}]
	return ok && at.After(since)
}

// add records a login of the user from the device at `at`.
func (d *deviceMemo) add(userID, deviceID string, at time.Time) {
	if userID == "" || deviceID == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= maxDevices {
		d.m = map[[2]string]time.Time{}
	}
	if at.After(d.m[[2]string{userID, deviceID}]) {
		d.m[[2]string{userID, deviceID}] = at
	}
}
