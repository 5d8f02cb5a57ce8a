package sign_test

import (
	"fmt"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// A Helpshift (legacy) app: the user_hash your backend sends along with the
// user id and email.
func ExampleSigner_Digest() {
	s := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: "hs-secret-3f9a1c7e5b2d4f60"}
	userHash, err := s.Digest(sign.Claims{UserID: "user-42", Email: "jane@example.com"})
	if err != nil {
		panic(err)
	}
	fmt.Println(userHash)
	// Output: WYaPCcRULPdIvU3mc5SZf3nGzzA8vy3uCGhla3hHCOc=
}

// A Pylon HMAC app: the secret is hex and is decoded before use.
func ExampleSigner_Digest_pylon() {
	s := sign.Signer{Profile: verify.PylonHMAC, Secret: "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f"}
	emailHash, _ := s.Digest(sign.Claims{Email: "jane@example.com"})
	fmt.Println(emailHash)
	// Output: 36c7fe8afbf97c759559386e0662827031144304ea1cd432dcf71b49fb26da55
}

// A Pylon JWT app: the token carries the email, the widget's app id as its
// audience, and lives at most 15 minutes (10 by default).
func ExampleSigner_Token() {
	issued := time.Unix(1767225570, 0)
	s := sign.Signer{Profile: verify.PylonJWT, Secret: "hs-secret-3f9a1c7e5b2d4f60", AppID: "app_7Hq2"}
	token, _ := s.Token(sign.Claims{Email: "jane@example.com", Name: "Jane", IssuedAt: issued})
	fmt.Println(token)
	// Output: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20iLCJuYW1lIjoiSmFuZSIsImF1ZCI6ImFwcF83SHEyIiwiaWF0IjoxNzY3MjI1NTcwLCJleHAiOjE3NjcyMjYxNzB9.-kg27pgZfNIrWN0Y4NqKBM-yoMY6z6PoipCdNszqo7E
}

// Signet's own profile: a key id for rotation, the app as audience, an
// expiry, and any of the twelve identity types.
func ExampleSigner_Token_signet() {
	s := sign.Signer{Profile: verify.Signet, Secret: "hs-secret-3f9a1c7e5b2d4f60", KeyID: "k_1", AppID: "app_7Hq2",
		Now: func() time.Time { return time.Unix(1767225600, 0) }}
	token, _ := s.Token(sign.Claims{UserID: "user-42", Email: "jane@example.com",
		Identities: []verify.Identity{{Type: verify.SteamID, Value: "76561198000000000"}}})

	// What Signet's server does with it at login:
	key, _ := verify.NewKey(verify.Signet, "k_1", "hs-secret-3f9a1c7e5b2d4f60")
	v, _ := verify.New(verify.Signet, []verify.Key{key}, verify.Options{AppID: "app_7Hq2",
		Now: func() time.Time { return time.Unix(1767225660, 0) }})
	got, err := v.Verify(verify.Request{Token: token})
	fmt.Println(err == nil, got.KeyID)
	for _, id := range got.Identities {
		fmt.Println(id.Type, id.Value)
	}
	// Output:
	// true k_1
	// uid user-42
	// email jane@example.com
	// steam_id 76561198000000000
}
