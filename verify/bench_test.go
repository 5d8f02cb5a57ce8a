package verify_test

// Benchmarks of Verify for every profile, against the floor of one bare
// HMAC-SHA256 over exactly the bytes the profile signs, and, for the JWT
// profiles, against golang-jwt v5 parsing the same token with strict options.
// See ../BENCHMARKS.md for the command, the numbers and the targets.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

const (
	benchNow       = diffNow // peerParser's clock too
	benchAppID     = "app_7Hq2"
	benchSecret    = "hs-secret-3f9a1c7e5b2d4f60"
	benchPylonHex  = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f"
	benchSignetKey = "sg_live_4c1e9b7a2f5d8e3c6b0a9f1d7e2c5b8a"
)

var benchClock = func() time.Time { return time.Unix(benchNow, 0) }

// benchCase is one profile's verifier, a valid login request, and the exact
// key and message bytes of its MAC.
type benchCase struct {
	p       verify.Profile
	v       *verify.Verifier
	req     verify.Request
	key     []byte
	message string
}

func benchCases(b testing.TB) []benchCase {
	b.Helper()
	now := benchClock()
	var out []benchCase
	for _, p := range verify.Profiles() {
		secret := benchSecret
		switch p {
		case verify.PylonHMAC:
			secret = benchPylonHex
		case verify.Signet:
			secret = benchSignetKey
		}
		key, err := verify.NewKey(p, "k1", secret)
		if err != nil {
			b.Fatal(err)
		}
		v, err := verify.New(p, []verify.Key{key}, verify.Options{AppID: benchAppID, Now: benchClock})
		if err != nil {
			b.Fatal(err)
		}
		mac, err := verify.MACKey(p, secret)
		if err != nil {
			b.Fatal(err)
		}
		s := sign.Signer{Profile: p, Secret: secret, KeyID: "k1", AppID: benchAppID, Now: benchClock}
		c := benchCase{p: p, v: v, key: mac}
		// The identifiers the profile signs: both unless it requires one.
		ids := verify.Request{UserID: "user-42", Email: "jane@example.com"}
		switch p.Description().Requires {
		case verify.UID:
			ids.Email = ""
		case verify.Email:
			ids.UserID = ""
		}
		if !p.IsJWT() {
			c.req = ids
		}
		var claims sign.Claims
		switch p {
		case verify.HelpshiftUserHub:
			claims = sign.Claims{UserID: "user-42", Email: "jane@example.com", IssuedAt: now.Add(-time.Minute),
				Metadata: map[string]string{"plan": "gold"}}
		case verify.PylonJWT:
			claims = sign.Claims{Email: "jane@example.com", Name: "Jane Doe", IssuedAt: now.Add(-30 * time.Second),
				Attributes: map[string]string{"account_id": "acc_1"}}
		case verify.Signet:
			claims = sign.Claims{UserID: "user-42", Email: "jane@example.com", Name: "Jane Doe", IssuedAt: now.Add(-30 * time.Second)}
		case verify.Kustomer: // both signed; the email takes precedence
			claims = sign.Claims{UserID: "user-42", Email: "jane@example.com", IssuedAt: now.Add(-30 * time.Second)}
		case verify.FreshdeskWidget: // {name, email, exp}, an hour ahead
			claims = sign.Claims{Email: "jane@example.com", Name: "Jane Doe", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
		case verify.IntercomJWT: // as Intercom's samples: user_id, email, an hour's exp
			claims = sign.Claims{UserID: "user-42", Email: "jane@example.com", IssuedAt: now.Add(-30 * time.Second), ExpiresAt: now.Add(time.Hour)}
		case verify.ZendeskMessaging: // scope, external_id, name, a verified email, kid k1
			claims = sign.Claims{UserID: "user-42", Email: "jane@example.com", Name: "Jane Doe", IssuedAt: now.Add(-30 * time.Second),
				ExpiresAt: now.Add(time.Hour)}
		case verify.Drift:
			claims = sign.Claims{UserID: "user-42", IssuedAt: now.Add(-30 * time.Second), ExpiresAt: now.Add(time.Hour)}
		default:
			claims = sign.Claims{UserID: ids.UserID, Email: ids.Email, IssuedAt: now.Add(-30 * time.Second)}
		}
		proof, err := s.Sign(claims)
		if err != nil {
			b.Fatal(err)
		}
		if p.IsJWT() {
			c.req.Token = proof
			c.message = proof[:strings.LastIndexByte(proof, '.')]
		} else {
			c.req.Digest = proof
			c.message, _, err = verify.DigestMessage(p, c.req.UserID, c.req.Email, false)
			if err != nil {
				b.Fatal(err)
			}
		}
		if _, err := v.Verify(c.req); err != nil {
			b.Fatalf("%s: the benchmark's proof does not verify: %v", p, err)
		}
		out = append(out, c)
	}
	return out
}

// BenchmarkVerify verifies one valid, realistic proof per profile.
func BenchmarkVerify(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(string(c.p), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.v.Verify(c.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBaselineHMAC is the floor: one bare HMAC-SHA256, key setup
// included, over exactly the bytes the profile MACs (for a JWT, the
// header.payload of the same token), with the same key bytes.
func BenchmarkBaselineHMAC(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(string(c.p), func(b *testing.B) {
			msg := []byte(c.message)
			want := expectedMAC(b, c)
			var sum [sha256.Size]byte
			b.ReportAllocs()
			for b.Loop() {
				h := hmac.New(sha256.New, c.key)
				h.Write(msg)
				h.Sum(sum[:0])
			}
			if !hmac.Equal(sum[:], want) {
				b.Fatal("the baseline does not compute the proof's MAC")
			}
		})
	}
}

// expectedMAC decodes the MAC the proof carries, to check that the baseline
// computes the very same thing.
func expectedMAC(b *testing.B, c benchCase) []byte {
	b.Helper()
	if c.p.IsJWT() {
		return mustB64(c.req.Token[strings.LastIndexByte(c.req.Token, '.')+1:])
	}
	if c.p == verify.HelpshiftLegacy {
		h := hmac.New(sha256.New, c.key)
		h.Write([]byte(c.message))
		if verify.EncodeDigest(c.p, h.Sum(nil)) != c.req.Digest {
			b.Fatal("the baseline's message is not the digest's")
		}
		return h.Sum(nil)
	}
	d, err := hex.DecodeString(c.req.Digest)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkPeerGolangJWT parses the same tokens with golang-jwt v5, as
// strictly configured as in the differential test.
func BenchmarkPeerGolangJWT(b *testing.B) {
	for _, c := range benchCases(b) {
		if !c.p.IsJWT() {
			continue
		}
		b.Run(string(c.p), func(b *testing.B) {
			parser := peerParser(c.p)
			newClaims := peerClaimsFor(c.p)
			key := c.key
			keyfunc := func(t *jwt.Token) (any, error) {
				if kid, _ := t.Header["kid"].(string); c.p == verify.Signet && kid != "k1" {
					return nil, errors.New("unknown kid")
				}
				return key, nil
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parser.ParseWithClaims(c.req.Token, newClaims(), keyfunc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestVerifyConcurrent: the reused HMAC states and JSON scratch buffers that
// make Verify fast must keep a Verifier safe for concurrent use. Goroutines
// verify, at once and with one Verifier per profile, valid proofs and broken
// ones, and each must get exactly the result it gets alone. Run it with -race.
func TestVerifyConcurrent(t *testing.T) {
	cases := benchCases(t)
	type job struct {
		c      benchCase
		req    verify.Request
		reason verify.Reason
		ids    int
	}
	var jobs []job
	for _, c := range cases {
		reqs := []verify.Request{c.req}
		bad := c.req
		if c.p.IsJWT() {
			bad.Token = c.req.Token[:len(c.req.Token)-2] + "AA"
			reqs = append(reqs, bad, verify.Request{Token: c.req.Token + "x"}, verify.Request{Token: strings.Replace(c.req.Token, ".", ".e30.", 1)})
			// Other headers, valid and not, so that the remembered header
			// changes under the goroutines' feet.
			payload := strings.Split(c.req.Token, ".")[1]
			for _, h := range []string{`{"typ":"JWT","alg":"HS256","kid":"k1"}`, `{"alg":"HS256","kid":"k1"}`, `{"alg":"none","kid":"k1"}`, `{"alg":"HS256","kid":"k2"}`} {
				if c.p != verify.Signet {
					h = strings.Replace(h, `"kid":"k1"`, `"kid":"any"`, 1)
				}
				in := b64(h) + "." + payload
				reqs = append(reqs, verify.Request{Token: in + "." + macB64(sha256.New, c.key, in)})
			}
		} else {
			bad.UserID, bad.Email = bad.UserID+"x", bad.Email+"x"
			reqs = append(reqs, bad, verify.Request{UserID: c.req.UserID, Email: c.req.Email, Digest: "zz"})
		}
		for _, r := range reqs {
			got, err := c.v.Verify(r)
			n := 0
			if got != nil {
				n = len(got.Identities)
			}
			jobs = append(jobs, job{c, r, verify.ReasonOf(err), n})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				j := jobs[(g*7+i)%len(jobs)]
				got, err := j.c.v.Verify(j.req)
				n := 0
				if got != nil {
					n = len(got.Identities)
				}
				if verify.ReasonOf(err) != j.reason || n != j.ids {
					select {
					case errs <- fmt.Sprintf("%s: got %v (%d identities), want %q (%d)", j.c.p, err, n, j.reason, j.ids):
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
