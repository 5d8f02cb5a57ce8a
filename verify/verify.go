package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"hash"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	DefaultLeeway       = 60 * time.Second
	DefaultMaxLifetime  = time.Hour // of a signet token
	DefaultMaxTokenSize = 8 << 10   // bytes of a token or digest
	// replayWindow is how long a token without exp, in a profile without a
	// maximum age, is remembered by a ReplayGuard.
	replayWindow = 86400
)

// Options tune a Verifier. The zero value gives the defaults.
type Options struct {
	// AppID is the audience that tokens of a profile with an audience rule
	// (pylon-jwt, signet) must name.
	AppID string
	// Audience, for a profile that takes an alias (pylon-jwt), is a second
	// value a token's aud may name instead of AppID: the vendor's app id that
	// a migrating brand's backend already writes, so its tokens verify
	// unchanged.
	Audience string
	// FullPrivacy makes helpshift-legacy digests cover the user id only.
	FullPrivacy bool
	// MaxLifetime bounds exp − iat of a token whose profile takes the app's
	// maximum (signet); 0 means one hour.
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
	// JWKSURL is where the app publishes its keys, when it does: the
	// doctor names it when a token's kid is not listed there.
	JWKSURL string
	// OneTimeTokens refuses a token without a jti (claim_invalid): the
	// app accepts each token once, by its jti (Verified.TokenID), which
	// the caller claims where every node sees it.
	OneTimeTokens bool
}

// Verifier checks proofs of identity for one app: its profile, its keys and
// its settings. It is safe for concurrent use.
type Verifier struct {
	profile      Profile
	desc         *Description
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
	// anyAlg is set when a key is a public key or is named by another kid
	// than its id: tokens then go through verifyAnyAlgorithm, and HMAC-only
	// apps keep the HS256 path as it was.
	anyAlg        bool
	jwksURL       string
	oneTimeTokens bool
}

// New returns a Verifier for profile p with the app's keys (revoked ones
// included: they never verify, but they name the reason and the cause).
func New(p Profile, keys []Key, o Options) (*Verifier, error) {
	if _, err := ParseProfile(string(p)); err != nil {
		return nil, err
	}
	d := descriptions[p]
	if d.Audience != AudienceNone && o.AppID == "" {
		return nil, errors.New("profile " + string(p) + " needs the app id, which its tokens name as their audience")
	}
	if o.Audience != "" && d.Audience != AudienceAppOrAlias {
		return nil, errors.New("only pylon-jwt takes a second audience (the vendor's app id)")
	}
	// A copy: the pooled HMAC states below are keyed with these keys, and
	// must not go stale if the caller reuses its slice.
	v := &Verifier{profile: p, desc: d, keys: slices.Clone(keys), appID: o.AppID, audience: o.Audience, fullPrivacy: o.FullPrivacy,
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
	for _, k := range keys {
		if k.Algorithm() != HS256 || k.Kid() != k.ID {
			v.anyAlg = true
		}
	}
	if v.anyAlg && (d.Proof != ProofJWT || d.Kid != KidSelectsKey) {
		return nil, errors.New("profile " + string(p) + " verifies HS256 under a shared secret only; public keys are for the signet profile")
	}
	v.jwksURL = o.JWKSURL
	v.oneTimeTokens = o.OneTimeTokens
	if v.oneTimeTokens {
		if _, ok := d.Claim("jti"); !ok {
			return nil, errors.New("profile " + string(p) + " reads no jti: one-time tokens are for the signet profile")
		}
	}
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
	// TokenID is the token's jti, when its profile reads one (signet);
	// "" when absent.
	TokenID string
}

// Verify checks r under the verifier's profile. A failure is an *Error with
// its Reason; see ReasonOf.
func (v *Verifier) Verify(r Request) (*Verified, error) {
	if v.desc.Proof == ProofJWT {
		if v.anyAlg {
			return v.verifyAnyAlgorithm(&r)
		}
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
	out := v.verified(&c)
	out.Profile, out.KeyID, out.Attributes, out.IssuedAt, out.ExpiresAt = v.profile, key.ID, c.attrs, c.iat, c.exp
	out.TokenID = c.jti
	if e := matchRequest(r, out); e != nil {
		return nil, v.unverifiedSent(r, out, e)
	}
	if v.replay != nil && v.replay.Seen(sha256.Sum256(jws.sig[:]), v.replayExpiry(&c)) {
		return nil, fail(ReasonReplayed, "this token was already used to log in")
	}
	return out, nil
}

// replayExpiry is how long a token must be remembered: until it can no
// longer pass the time checks.
func (v *Verifier) replayExpiry(c *claims) time.Time {
	until := c.iat + replayWindow
	if v.desc.MaxAge > 0 {
		until = c.iat + v.desc.MaxAge
	}
	if c.hasExp {
		until = c.exp
	}
	return time.Unix(until+v.leeway, 0)
}

// checkSignature finds the key for the token and checks the MAC over the
// received header.payload bytes, before any claim is read.
func (v *Verifier) checkSignature(jws *compactJWS) (*Key, *Error) {
	if v.desc.Kid != KidOptional && !jws.hasKid {
		return nil, fail(ReasonKeyUnknown, "a "+string(v.profile)+" token names its key in the kid header, and this one has none")
	}
	if v.desc.Kid == KidSelectsKey {
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

// verified builds the result from the identities the claims sign: one
// allocation for the result and its identities.
func (v *Verifier) verified(c *claims) *Verified {
	if c.hasIdentities {
		return &Verified{Identities: c.identities}
	}
	ids := v.signedIdentities(c)
	switch len(ids) {
	case 1:
		vi := new(struct {
			Verified
			id [1]Identity
		})
		vi.id[0] = ids[0]
		vi.Identities = vi.id[:]
		return &vi.Verified
	case 2:
		vi := new(struct {
			Verified
			id [2]Identity
		})
		copy(vi.id[:], ids)
		vi.Identities = vi.id[:]
		return &vi.Verified
	}
	return &Verified{Identities: slices.Clone(ids)}
}

// signedIdentities are the identities of the ClaimIdentity claims that the
// profile verifies: those whose OnlyIf claim is true, and only the
// preferred one when it is there. The result shares c's array.
func (v *Verifier) signedIdentities(c *claims) []Identity {
	ids := c.ids[:c.nids]
	if !v.desc.onlyIf {
		return v.preferred(ids)
	}
	kept := ids[:0]
	for _, id := range ids {
		if v.desc.verifiedIf(id.Type, c.truth) {
			kept = append(kept, id)
		}
	}
	return v.preferred(kept)
}

func (v *Verifier) preferred(ids []Identity) []Identity {
	if v.desc.Prefer == "" {
		return ids
	}
	for i := range ids {
		if ids[i].Type == v.desc.Prefer {
			return ids[i : i+1]
		}
	}
	return ids
}

// checkClaims applies the profile's required claims and time rules.
func (v *Verifier) checkClaims(c *claims) *Error {
	d := v.desc
	now := v.now().Unix()
	if !c.hasIat && d.iatRequired {
		return fail(ReasonClaimInvalid, "the token has no iat claim")
	}
	if !c.hasExp && d.expRequired {
		return fail(ReasonClaimInvalid, "the token has no exp claim")
	}
	if d.Audience != AudienceNone {
		if !c.hasAud {
			return fail(ReasonClaimInvalid, "the token has no aud claim")
		}
		if !contains(c.aud, v.appID) && (v.audience == "" || !contains(c.aud, v.audience)) {
			return fail(ReasonAudienceMismatch, "the token's aud does not name this app")
		}
	}
	if c.hasExp && c.hasIat && c.exp <= c.iat {
		return fail(ReasonClaimInvalid, "the token's exp is not after its iat")
	}
	if c.hasExp && c.hasIat {
		switch {
		case d.MaxLifetime > 0 && c.exp-c.iat > d.MaxLifetime:
			return fail(ReasonLifetimeTooLong, "a "+string(v.profile)+" token lives at most "+spell(d.MaxLifetime)+" (exp − iat ≤ "+strconv.FormatInt(d.MaxLifetime, 10)+")")
		case d.AppLifetime && c.exp-c.iat > v.maxLifetime:
			return fail(ReasonLifetimeTooLong, "the token lives longer than this app's maximum lifetime")
		}
	}
	if c.hasIat && c.iat > now+v.leeway {
		return fail(ReasonIssuedInFuture, "the token's iat is in the future")
	}
	if c.hasNbf && c.nbf > now+v.leeway {
		return fail(ReasonNotYetValid, "the token's nbf is in the future")
	}
	if c.hasExp && now >= c.exp+v.leeway {
		return fail(ReasonExpired, "the token has expired")
	}
	if d.MaxAhead > 0 && c.hasExp && c.exp > now+d.MaxAhead {
		return fail(ReasonLifetimeTooLong, "a "+string(v.profile)+" token's exp is at most "+spell(d.MaxAhead)+" ahead of now")
	}
	if d.MaxAge > 0 && c.hasIat && c.iat < now-d.MaxAge-v.ageLeeway() {
		return fail(ReasonIssuedTooLongAgo, "a "+string(v.profile)+" token's iat is at most "+spell(d.MaxAge)+" old")
	}
	if v.oneTimeTokens && c.jti == "" {
		return fail(ReasonClaimInvalid, "the token has no jti claim (a non-empty string of at most 200 characters): this app accepts each token once, by its jti")
	}
	if d.strings != 0 {
		if e := v.checkRequiredStrings(c); e != nil {
			return e
		}
	}
	return v.checkIdentities(c)
}

// checkRequiredStrings refuses a token without a required ClaimString or
// ClaimBool claim.
func (v *Verifier) checkRequiredStrings(c *claims) *Error {
	if missing := v.desc.strings &^ c.seen; missing != 0 {
		for i, r := range v.desc.Claims {
			if missing&(1<<i) != 0 {
				if r.Equals != "" {
					return fail(ReasonClaimInvalid, "the token has no "+r.Name+" claim: "+string(v.profile)+" tokens carry "+r.Name+" = "+strconv.Quote(r.Equals))
				}
				return fail(ReasonClaimInvalid, "the token has no "+r.Name+" claim")
			}
		}
	}
	return nil
}

// checkIdentities refuses a token that signs no identity the profile needs.
func (v *Verifier) checkIdentities(c *claims) *Error {
	d := v.desc
	if d.identitiesRequired {
		if !c.hasIdentities || len(c.identities) == 0 {
			return fail(ReasonIdentityRequired, "the token has no identities")
		}
		if !hasType(c.identities, UID) && !hasType(c.identities, Email) {
			return fail(ReasonIdentityRequired, "the token's identities include neither a uid nor an email")
		}
		return nil
	}
	if missing := d.identityRequired &^ c.seen; missing != 0 {
		for i, r := range d.Claims {
			if missing&(1<<i) != 0 {
				return fail(ReasonIdentityRequired, "the token has no "+r.Name+" claim")
			}
		}
	}
	if !c.hasIdentities && len(v.signedIdentities(c)) == 0 {
		return fail(ReasonIdentityRequired, "the token signs no identity: it has "+d.identityClaimNames())
	}
	return nil
}

// ageLeeway is the leeway on the maximum age: none unless the profile says.
func (v *Verifier) ageLeeway() int64 {
	if v.desc.AgeLeeway {
		return v.leeway
	}
	return 0
}

// spell writes a number of seconds for a person: 900 is "15 minutes".
func spell(s int64) string {
	switch {
	case s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + " hours"
	case s%60 == 0:
		return strconv.FormatInt(s/60, 10) + " minutes"
	}
	return strconv.FormatInt(s, 10) + " seconds"
}

// unverifiedSent explains an identity_mismatch over an identity the token
// signs without verifying it (Zendesk's email without email_verified: true),
// naming the vendor's flag; other errors are returned as they are.
func (v *Verifier) unverifiedSent(r *Request, out *Verified, e *Error) *Error {
	if !v.desc.onlyIf || e.Reason != ReasonIdentityMismatch {
		return e
	}
	for _, c := range v.desc.Claims {
		if c.Kind != ClaimIdentity || c.OnlyIf == "" || hasType(out.Identities, c.Identity) {
			continue
		}
		if c.Identity == Email && r.Email != "" || c.Identity == UID && r.UserID != "" {
			what := "a user id"
			if c.Identity == Email {
				what = "an email"
			}
			return fail(ReasonIdentityMismatch, what+" was sent that the token does not verify: "+
				string(v.profile)+" counts its "+c.Name+" claim only with "+c.OnlyIf+": true")
		}
	}
	return e
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
		article := "a "
		if t == Email {
			article = "an "
		}
		return fail(ReasonIdentityMismatch, article+string(t)+" was sent that the token does not sign")
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
