package verify_test

import (
	"slices"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/vectors"
	"github.com/signet-id/signet/verify"
)

// TestVectors runs every known-answer case of testdata/vectors through the
// library: validity, reason, the doctor's cause and the signed identities.
func TestVectors(t *testing.T) {
	files := vectors.MustLoad(t)
	if len(files) < 6 {
		t.Fatalf("want vectors for the six vendor profiles, found %v", vectors.Schemes(files))
	}
	for _, scheme := range vectors.Schemes(files) {
		f := files[scheme]
		for _, c := range f.Cases {
			t.Run(scheme+"/"+c.Name, func(t *testing.T) {
				p, err := verify.ParseProfile(scheme)
				if err != nil {
					t.Fatal(err)
				}
				key, err := verify.NewKey(p, "k1", c.Secret)
				if err != nil {
					t.Fatal(err)
				}
				now := time.Unix(c.Now, 0)
				if c.Now == 0 {
					now = time.Now()
				}
				v, err := verify.New(p, []verify.Key{key}, verify.Options{
					AppID: c.AppID, FullPrivacy: c.FullPrivacy, Now: func() time.Time { return now }})
				if err != nil {
					t.Fatal(err)
				}
				req := verify.Request{UserID: c.UserID(), Email: c.EmailSent(), Digest: c.Digest, Token: c.Token}
				got, err := v.Verify(req)
				if c.Valid {
					if err != nil {
						t.Fatalf("want valid, got %v", err)
					}
					if got.KeyID != "k1" {
						t.Errorf("KeyID = %q", got.KeyID)
					}
					if c.Identities != nil {
						var pairs [][2]string
						for _, id := range got.Identities {
							pairs = append(pairs, [2]string{string(id.Type), id.Value})
						}
						if !slices.Equal(pairs, c.Identities) {
							t.Errorf("identities = %v, want %v", pairs, c.Identities)
						}
					}
					return
				}
				if err == nil {
					t.Fatalf("want invalid (%v), got valid", c.Reason)
				}
				reason := verify.ReasonOf(err)
				if !slices.Contains(c.Reason, string(reason)) {
					t.Errorf("reason = %s (%v), want one of %v", reason, err, c.Reason)
				}
				if c.Cause != "" {
					d, ok := v.Diagnose(req, err, nil)
					if !ok || string(d.Cause) != c.Cause {
						t.Errorf("cause = %q (%q, ok %v), want %q", d.Cause, d.Message, ok, c.Cause)
					}
				}
			})
		}
	}
}
