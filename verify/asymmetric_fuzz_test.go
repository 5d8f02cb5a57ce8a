package verify_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// FuzzParseJWKS: any body is a set of checked keys or an error, never a
// panic; every key taken has a unique kid and a public-key algorithm.
func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"e","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","kid":"a"},{"kty":"OKP","kid":"a"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := verify.ParseJWKS(body, 20)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if k.Kid == "" || seen[k.Kid] || !verify.IsPublicKeyAlgorithm(k.Alg) || k.Public == nil {
				t.Fatalf("a bad key was taken: %+v", k)
			}
			seen[k.Kid] = true
			if _, err := verify.NewPublicKey("key_x", k.Alg, k.Public); err != nil {
				t.Fatalf("a taken key is refused by NewPublicKey: %v", err)
			}
		}
	})
}

// FuzzVerifyPublicKeys: any token against an app holding a key of every
// algorithm is a verification or a reasoned refusal, never a panic; the
// doctor never panics either; a token verifies only under the algorithm of
// the key it names.
func FuzzVerifyPublicKeys(f *testing.F) {
	ps := keyPairs(f)
	var keys []verify.Key
	for _, alg := range verify.PublicKeyAlgorithms {
		keys = append(keys, publicKey(f, "key_"+alg, ps[alg][0]))
	}
	secret, _ := verify.NewKey(verify.Signet, "key_hs", "a-shared-secret-of-some-length")
	keys = append(keys, secret)
	v := asymVerifier(f, verify.Options{JWKSURL: "https://brand.example/jwks.json"}, keys...)
	for _, alg := range verify.PublicKeyAlgorithms {
		tok := asymToken(f, "key_"+alg, ps[alg][0].priv, "")
		f.Add(tok)
		f.Add(strings.Replace(tok, ".", "x.", 1))
	}
	f.Add(asymToken(f, "key_hs", nil, "a-shared-secret-of-some-length"))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, token string) {
		got, err := v.Verify(verify.Request{Token: token})
		if err != nil {
			if verify.ReasonOf(err) == "" {
				t.Fatalf("an error without a reason: %v", err)
			}
			v.Diagnose(verify.Request{Token: token}, err, nil)
			return
		}
		want := strings.TrimPrefix(got.KeyID, "key_")
		if want == "hs" {
			want = verify.HS256
		}
		var header struct {
			Alg string `json:"alg"`
		}
		h, _ := base64.RawURLEncoding.DecodeString(token[:strings.IndexByte(token, '.')])
		if err := json.Unmarshal(h, &header); err != nil || header.Alg != want {
			t.Fatalf("verified by key %s (%s) a token whose alg is %q", got.KeyID, want, header.Alg)
		}
	})
}
