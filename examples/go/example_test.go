package signing_test

import (
	"fmt"
	"time"

	signing "github.com/signet-id/signet/examples/go"
	"github.com/signet-id/signet/examples/go/stdlib"
	"github.com/signet-id/signet/sign"
)

// In a login handler: the user_hash to hand to a Helpshift (legacy) SDK,
// with the secret from the environment in real code.
func ExampleHelpshiftLegacyUserHash() {
	userHash, err := signing.HelpshiftLegacyUserHash("hs-secret-3f9a1c7e5b2d4f60", "user-42", "jane@example.com", false)
	if err != nil {
		return // no identifier: log the user in anonymously
	}
	fmt.Println(userHash)
	// Output: WYaPCcRULPdIvU3mc5SZf3nGzzA8vy3uCGhla3hHCOc=
}

// With both identifiers, Intercom signs the user_id.
func ExampleIntercomUserHash() {
	userHash, _ := signing.IntercomUserHash("hs-secret-3f9a1c7e5b2d4f60", "user-42", "jane@example.com")
	fmt.Println(userHash)
	// Output: 0ad9476712439c8321856d96754b3e30d5275c399a213d41661a0f4665b8ff82
}

func ExampleAkeceIdentifierHash() {
	identifierHash, _ := signing.AkeceIdentifierHash("hs-secret-3f9a1c7e5b2d4f60", "jane@example.com")
	fmt.Println(identifierHash)
	// Output: 5794db29a8d05df30922350719c4fc61af12e0753cb08b8533df19ed9c797e7a
}

// The pylon-hmac secret is hex and is decoded before use.
func ExamplePylonEmailHash() {
	emailHash, _ := signing.PylonEmailHash("9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f", "jane@example.com")
	fmt.Println(emailHash)
	// Output: 36c7fe8afbf97c759559386e0662827031144304ea1cd432dcf71b49fb26da55
}

// Beacon's signature is hex, as Help Scout's Ruby sample writes it.
func ExampleHelpScoutSignature() {
	signature, _ := signing.HelpScoutSignature("hs-beacon-secret-5d8e2a7c41f96b30", "jane@example.com")
	fmt.Println(signature)
	// Output: 742be5fa5daea3f52b3c5368a9ba05dfa1e1646ffd97aa4575f875d05a1a0a22
}

// With both identifiers, Front signs the user id.
func ExampleFrontUserHash() {
	userHash, _ := signing.FrontUserHash("front-verification-secret-0b7f3e9a2c", "user-42", "jane@example.com")
	fmt.Println(userHash)
	// Output: 371e66c4fe4285774d39e7a154217e02a990894a0576a28ffed2ca92d5b3cc67
}

func ExamplePlainEmailHash() {
	emailHash, _ := signing.PlainEmailHash("4f9c2a7e1b3d5f60a8c2e4b6d8f0a1c3", "jane@example.com")
	fmt.Println(emailHash)
	// Output: c49c010def5189d47a82dc48edb9efd14fbca1bc7a1ddfca5e6f06dc361232d5
}

func ExampleGleapUserHash() {
	userHash, _ := signing.GleapUserHash("gleap-identity-secret-8e2d6b4f1a9c", "user-42")
	fmt.Println(userHash)
	// Output: 1e40af466c19a23e90f3578a0880d06bfbc67587c201526a04a1565a0605b2b2
}

func ExampleHelpshiftUserHubToken() {
	token, _ := signing.HelpshiftUserHubToken("hs-secret-3f9a1c7e5b2d4f60", sign.Claims{
		UserID: "user-42", Email: "jane@example.com",
		IssuedAt: time.Unix(1767225540, 0), // in real code leave it zero: now
	})
	fmt.Println(token)
	// Output: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NjcyMjU1NDAsImlkZW50aXRpZXMiOlt7ImlkZW50aWZpZXIiOiJ1aWQiLCJ2YWx1ZSI6InVzZXItNDIifSx7ImlkZW50aWZpZXIiOiJlbWFpbCIsInZhbHVlIjoiamFuZUBleGFtcGxlLmNvbSJ9XX0.ZZ1RjfSeBVZJao7v6wOWJN7dsyZ4ACiNNPMPwFa-9sA
}

func ExamplePylonChatWidgetToken() {
	token, _ := signing.PylonChatWidgetToken("hs-secret-3f9a1c7e5b2d4f60", "app_7Hq2", sign.Claims{
		Email: "jane@example.com", Name: "Jane",
		IssuedAt: time.Unix(1767225570, 0), // in real code leave it zero: now, and 10 minutes
	})
	fmt.Println(token)
	// Output: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20iLCJuYW1lIjoiSmFuZSIsImF1ZCI6ImFwcF83SHEyIiwiaWF0IjoxNzY3MjI1NTcwLCJleHAiOjE3NjcyMjYxNzB9.-kg27pgZfNIrWN0Y4NqKBM-yoMY6z6PoipCdNszqo7E
}

// The same token with the standard library alone.
func ExamplePylonChatWidgetToken_stdlib() {
	token, _ := stdlib.PylonChatWidgetToken("hs-secret-3f9a1c7e5b2d4f60", stdlib.PylonClaims{
		Email: "jane@example.com", Name: "Jane", Audience: "app_7Hq2", IssuedAt: 1767225570,
	})
	fmt.Println(token)
	// Output: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20iLCJuYW1lIjoiSmFuZSIsImF1ZCI6ImFwcF83SHEyIiwiaWF0IjoxNzY3MjI1NTcwLCJleHAiOjE3NjcyMjYxNzB9.-kg27pgZfNIrWN0Y4NqKBM-yoMY6z6PoipCdNszqo7E
}

func ExampleSignetToken() {
	token, err := signing.SignetToken("hs-secret-3f9a1c7e5b2d4f60", "k_1", "app_7Hq2", sign.Claims{
		UserID: "user-42", Email: "jane@example.com",
	})
	fmt.Println(err == nil, len(token) > 0)
	// Output: true true
}
