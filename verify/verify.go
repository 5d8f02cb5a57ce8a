package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"hash"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	DefaultLeeway       = 60 * time.Second
	DefaultMaxLifetime  = time.Hour // of a signet token
	DefaultMaxTokenSize = 8 << 10   // bytes of a token or digest
	userHubMaxAge       = 86400     // seconds: a helpshift-userhub iat is at most 24 h old
	pylonMaxLifetime    = 900       // seconds: a pylon-jwt lives at most 15 min
)

// Options tune a Verifier. The zero value gives the defaults.
type Options struct {
	// AppID is the audience that pylon-jwt and signet tokens must name.
	AppID string
	// Audience, for pylon-jwt only, is a second value a token's aud may
	// name instead of AppID: the vendor's app id that a migrating brand's
	// backend already writes, so its tokens verify unchanged.
	Audience string
	// FullPrivacy makes helpshift-legacy digests cover the user id only.
	FullPrivacy bool
	// MaxLifetime bounds exp − iat of a signet token; 0 means one hour.
	MaxLifetime time.Duration
	// Leeway is allowed on exp and on an iat or nbf in the future, nowhere
	// else; 0 means 60 s, a negative value means none.
	Leeway time.Duration
	// MaxTokenSize bounds a token or digest in bytes; 0 means 8 KiB.
	MaxTokenSize int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Replay, when set, refuses a token presented a second time (replayed).
	// Vendor SDKs may reuse one token for several logins, so it is opt-in.
	Replay ReplayGuard
}

// Verifier checks proofs of identity for one app: its profile, its keys and
// its settings. It is safe for concurrent use.
type Verifier struct {
	profile      Profile
	keys         []Key
	appID        string
	audience     string // pylon-jwt: the vendor's app id, also accepted as aud
	fullPrivacy  bool
	maxLifetime  int64
	leeway       int64
	maxTokenSize int
	now          func() time.Time
	replay       ReplayGuard
	macs         []sync.Pool // macs[i] holds *macState keyed with keys[i]
	header       atomic.Pointer[headerMemo]
}

// New returns a Verifier for profile p with the app's keys (revoked ones
// included: they never verify, but they name the reason and the cause).
func New(p Profile, keys []Key, o Options) (*Verifier, error) {
	if _, err := ParseProfile(string(p)); err != nil {
		return nil, err
	}
	if p.NeedsAudience() && o.AppID == "" {
		return nil, errors.New("profile " + string(p) + " needs the app id, which its tokens name as their audience")
	}
	if o.Audience != "" && p != PylonJWT {
		return nil, errors.New("only pylon-jwt takes a second audience (the vendor's app id)")
	}
	// A copy: the pooled HMAC states below are keyed with these keys, and
	// must not go stale if the caller reuses its slice.
	v := &Verifier{profile: p, keys: slices.Clone(keys), appID: o.AppID, audience: o.Audience, fullPrivacy: o.FullPrivacy,
		maxLifetime: int64(DefaultMaxLifetime / time.Second), leeway: int64(DefaultLeeway / time.Second),
		maxTokenSize: DefaultMaxTokenSize, now: o.Now, replay: o.Replay}
	if o.MaxLifetime > 0 {
		v.maxLifetime = int64(o.MaxLifetime / time.Second)
	}
	if o.Leeway > 0 {
		v.leeway = int64(o.Leeway / time.Second)
	} else if o.Leeway < 0 {
		v.leeway = 0
	}
	if o.MaxTokenSize > 0 {
		v.maxTokenSize = o.MaxTokenSize
	}
	if v.now == nil {
		v.now = time.Now
	}
	v.macs = make([]sync.Pool, len(keys))
	return v, nil
}

// macState is a reusable HMAC-SHA256 state keyed with one key: Reset
// restores it to just after the key was absorbed, so a verification neither
// hashes the key's inner and outer pads again nor allocates them. The pools
// (one per key) keep the Verifier safe for concurrent use.
type macState struct {
	h   hash.Hash
	msg []byte // the message, copied: hash.Hash.Write takes a []byte
	sum [sha256.Size]byte
}

// macEqual reports whether HMAC-SHA256 with v.keys[i] over msg equals
// want, in constant time.
func (v *Verifier) macEqual(i int, want []byte, msg string) bool {
	mp := &v.macs[i]
	st, _ := mp.Get().(*macState)
	if st == nil {
		st = &macState{h: hmac.New(sha256.New, v.keys[i].mac)}
	}
	st.h.Reset()
	st.msg = append(st.msg[:0], msg...)
	st.h.Write(st.msg)
	ok := hmac.Equal(st.h.Sum(st.sum[:0]), want)
	if cap(st.msg) <= 2*DefaultMaxTokenSize {
		clear(st.msg) // keep no copy of a token or identifier around
		mp.Put(st)
	}
	return ok
}

// Profile returns the verifier's profile.
func (v *Verifier) Profile() Profile { return v.profile }

// Request is what a client presents at login.
type Request struct {
	UserID string // user_id: the uid; akece's identifier
	Email  string
	// Identities are other identities the client sends; with a JWT every one
	// must equal a signed identity.
	Identities []Identity
	// Attributes are pylon-jwt's optional ids (account_id, contact_id…) as the
	// widget sends them; each must equal the signed claim.
	Attributes map[string]string
	Digest     string // user_hash, for the HMAC digest profiles
	Token      string // identity_token, for the JWT profiles
}

// Verified is a proof that checked out.
type Verified struct {
	Profile Profile
	// KeyID names the key that verified the proof.
	KeyID string
	// Identities are exactly the identities the signature covers, in signed order.
	Identities []Identity
	// Attributes are other signed string claims: name, and pylon-jwt's
	// account and contact ids.
	Attributes map[string]string
	// IssuedAt and ExpiresAt are the token's iat and exp in UNIX seconds; 0
	// when absent, and always for digests, which never expire.
	IssuedAt, ExpiresAt int64
}

// Verify checks r under the verifier's profile. A failure is an *Error with
// its Reason; see ReasonOf.
func (v *Verifier) Verify(r Request) (*Verified, error) {
	if v.profile.IsJWT() {
		return v.verifyToken(&r)
	}
	return v.verifyDigest(&r)
}

func (v *Verifier) verifyToken(r *Request) (*Verified, error) {
	if len(r.Token) > v.maxTokenSize {
		return nil, fail(ReasonTooLarge, "the token is larger than the limit")
	}
	if r.Token == "" {
		return nil, fail(ReasonMalformed, "no identity token was sent")
	}
	var jws compactJWS // on the stack, like c below
	if e := parseCompactJWSInto(r.Token, "HS256", &jws, &v.header); e != nil {
		return nil, e
	}
	key, e := v.checkSignature(&jws)
	if e != nil {
		return nil, e
	}
	var c claims
	if e := v.readClaims(jws.payload, &c); e != nil {
		return nil, e
	}
	if e := v.checkClaims(&c); e != nil {
		return nil, e
	}
	var out *Verified
	if v.profile == PylonJWT {
		// One allocation for the result and its one identity.
		vi := new(struct {
			Verified
			id [1]Identity
		})
		vi.id[0] = Identity{Type: Email, Value: c.email}
		out = &vi.Verified
		out.Identities = vi.id[:]
	} else {
		out = &Verified{Identities: c.identities}
	}
	out.Profile, out.KeyID, out.Attributes, out.IssuedAt, out.ExpiresAt = v.profile, key.ID, c.attrs, c.iat, c.exp
	if e := matchRequest(r, out); e != nil {
		return nil, e
	}
	if v.replay != nil && v.replay.Seen(sha256.Sum256(jws.sig[:]), v.replayExpiry(&c)) {
		return nil, fail(ReasonReplayed, "this token was already used to log in")
	}
	return out, nil
}

// replayExpiry is how long a token must be remembered: until it can no
// longer pass the time checks.
func (v *Verifier) replayExpiry(c *claims) time.Time {
	until := c.iat + userHubMaxAge
	if c.hasExp {
		until = c.exp
	}
	return time.Unix(until+v.leeway, 0)
}

// checkSignature finds the key for the token and checks the MAC over the
// received header.payload bytes, before any claim is read.
func (v *Verifier) checkSignature(jws *compactJWS) (*Key, *Error) {
	if v.profile == Signet {
		if !jws.hasKid {
			return nil, fail(ReasonKeyUnknown, "a signet token names its key in the kid header, and this one has none")
		}
		for i := range v.keys {
			k := &v.keys[i]
			if k.ID != jws.kid {
				continue
			}
			if k.Revoked {
				return nil, fail(ReasonKeyRevoked, "the token's kid names a revoked key")
			}
			if !v.macEqual(i, jws.sig[:], jws.signingInput) {
				return nil, fail(ReasonSignatureMismatch, "the token's signature does not match the key its kid names")
			}
			return k, nil
		}
		return nil, fail(ReasonKeyUnknown, "the token's kid names no key of this app")
	}
	for i := range v.keys {
		k := &v.keys[i]
		if !k.Revoked && v.macEqual(i, jws.sig[:], jws.signingInput) {
			return k, nil
		}
	}
	return nil, fail(ReasonSignatureMismatch, "the token's signature does not match this app's secret")
}

// checkClaims applies the profile's required claims and time rules.
func (v *Verifier) checkClaims(c *claims) *Error {
	now := v.now().Unix()
	if !c.hasIat {
		return fail(ReasonClaimInvalid, "the token has no iat claim")
	}
	if v.profile != HelpshiftUserHub && !c.hasExp {
		return fail(ReasonClaimInvalid, "the token has no exp claim")
	}
	if v.profile.NeedsAudience() {
		if !c.hasAud {
			return fail(ReasonClaimInvalid, "the token has no aud claim")
		}
		if !contains(c.aud, v.appID) && (v.audience == "" || !contains(c.aud, v.audience)) {
			return fail(ReasonAudienceMismatch, "the token's aud does not name this app")
		}
	}
	if c.hasExp && c.exp <= c.iat {
		return fail(ReasonClaimInvalid, "the token's exp is not after its iat")
	}
	switch v.profile {
	case PylonJWT:
		if c.exp-c.iat > pylonMaxLifetime {
			return fail(ReasonLifetimeTooLong, "a pylon-jwt token lives at most 15 minutes (exp − iat ≤ 900)")
		}
	case Signet:
		if c.exp-c.iat > v.maxLifetime {
			return fail(ReasonLifetimeTooLong, "the token lives longer than this app's maximum lifetime")
		}
	}
	if c.iat > now+v.leeway {
		return fail(ReasonIssuedInFuture, "the token's iat is in the future")
	}
	if c.hasNbf && c.nbf > now+v.leeway {
		return fail(ReasonNotYetValid, "the token's nbf is in the future")
	}
	if c.hasExp && now >= c.exp+v.leeway {
		return fail(ReasonExpired, "the token has expired")
	}
	if v.profile == HelpshiftUserHub && c.iat < now-userHubMaxAge {
		return fail(ReasonIssuedTooLongAgo, "a helpshift-userhub token's iat is at most 24 hours old")
	}
	switch v.profile {
	case PylonJWT:
		if !c.hasEmail {
			return fail(ReasonIdentityRequired, "the token has no email claim")
		}
	default:
		if !c.hasIdentities || len(c.identities) == 0 {
			return fail(ReasonIdentityRequired, "the token has no identities")
		}
		if !hasType(c.identities, UID) && !hasType(c.identities, Email) {
			return fail(ReasonIdentityRequired, "the token's identities include neither a uid nor an email")
		}
	}
	return nil
}

// matchRequest checks that every identifier the client sent next to the
// token equals the signed one.
func matchRequest(r *Request, out *Verified) *Error {
	sent := func(t IdentityType, value string) *Error {
		if value == "" {
			return nil
		}
		for _, id := range out.Identities {
			if id.Type == t {
				if id.Value != value {
					return fail(ReasonIdentityMismatch, "the "+string(t)+" sent differs from the signed one")
				}
				return nil
			}
		}
		return fail(ReasonIdentityMismatch, "a "+string(t)+" was sent that the token does not sign")
	}
	if e := sent(UID, r.UserID); e != nil {
		return e
	}
	if e := sent(Email, r.Email); e != nil {
		return e
	}
	for _, id := range r.Identities {
		if e := sent(id.Type, id.Value); e != nil {
			return e
		}
	}
	for name, value := range r.Attributes {
		if value == "" {
			continue
		}
		if signed, ok := out.Attributes[name]; !ok || signed != value {
			return fail(ReasonIdentityMismatch, "the "+quoteShort(name)+" sent differs from the signed one")
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasType(ids []Identity, t IdentityType) bool {
	for _, id := range ids {
		if id.Type == t {
			return true
		}
	}
	return false
}
