package sign_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// user is the brand's own logged-in user, however its backend knows it.
type user struct{ ID, Email, Name string }

// currentUser stands for the brand's own authentication (its session
// cookie, its middleware); here a header, to keep the example short.
func currentUser(r *http.Request) (*user, bool) {
	if id := r.Header.Get("X-Demo-User"); id != "" {
		return &user{ID: id, Email: id + "@example.com", Name: "Jane"}, true
	}
	return nil, false
}

// signetToken is the endpoint a brand's web page or app calls (at boot, and
// from the widget's fetchIdentityToken) to get a token for the user who is
// logged in to the brand — never for an identity the client names.
func signetToken(s sign.Signer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := currentUser(r)
		if !ok {
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		token, err := s.Token(sign.Claims{UserID: u.ID, Email: u.Email, Name: u.Name})
		if err != nil {
			http.Error(w, "could not sign", http.StatusInternalServerError) // never echo the secret or the error's details
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store") // a token is a credential: never cached
		json.NewEncoder(w).Encode(map[string]string{"token": token})
	})
}

// A brand's backend serves signed tokens to its logged-in users. The secret
// comes from the environment or a secret manager, never from the client.
func ExampleSigner_handler() {
	clock := func() time.Time { return time.Unix(1767225600, 0) }
	signer := sign.Signer{Profile: verify.Signet, Secret: "hs-secret-3f9a1c7e5b2d4f60", KeyID: "k_1", AppID: "app_7Hq2", Now: clock}
	h := signetToken(signer)

	anonymous := httptest.NewRecorder()
	h.ServeHTTP(anonymous, httptest.NewRequest("POST", "/signet-token", nil))
	fmt.Println("not logged in:", anonymous.Code)

	req := httptest.NewRequest("POST", "/signet-token", nil)
	req.Header.Set("X-Demo-User", "user-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var answer struct{ Token string }
	json.NewDecoder(rec.Body).Decode(&answer)

	// What Signet does with it at login.
	key, _ := verify.NewKey(verify.Signet, "k_1", "hs-secret-3f9a1c7e5b2d4f60")
	v, _ := verify.New(verify.Signet, []verify.Key{key}, verify.Options{AppID: "app_7Hq2", Now: clock})
	got, err := v.Verify(verify.Request{Token: answer.Token})
	fmt.Println("logged in:", rec.Code, rec.Header().Get("Cache-Control"), err == nil, got.Identities[0].Value)
	// Output:
	// not logged in: 401
	// logged in: 200 no-store true user-42
}
