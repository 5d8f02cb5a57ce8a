package login

import (
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// A token names its session; one of the shape issued before names none;
// anything else is no token at all.
func TestSessionOfToken(t *testing.T) {
	id := model.NewOrderedID("ses", time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	token, hash := newSessionToken(id)
	if got := HashToken(token); string(got) != string(hash) {
		t.Fatal("newSessionToken's hash is not the token's")
	}
	secret := token[len(token)-43:]
	named := "sst_" + id[len("ses_"):] + "_"
	if token != named+secret {
		t.Fatalf("token %q does not name session %s", token, id)
	}
	for _, tc := range []struct {
		name, token, id string
		ok              bool
	}{
		{"today's shape", token, id, true},
		{"a secret with _ and -", named + "_-" + secret[2:], id, true},
		{"the legacy shape", "sst_" + secret, "", true},
		{"the legacy shape with _ and -", "sst_-_" + secret[2:], "", true},
		{"empty", "", "", false},
		{"prefix alone", "sst_", "", false},
		{"another prefix", "sat_" + token[4:], "", false},
		{"upper-case prefix", "SST_" + token[4:], "", false},
		{"one character short", token[:len(token)-1], "", false},
		{"one character more", token + "A", "", false},
		{"legacy, one short", "sst_" + secret[:42], "", false},
		{"no separator", named[:len(named)-1] + "-" + secret, "", false},
		{"an id out of base32's alphabet", "sst_" + strings.Repeat("1", 16) + "_" + secret, "", false},
		{"an upper-case id", "sst_" + strings.ToUpper(id[len("ses_"):]) + "_" + secret, "", false},
		{"a secret out of base64url's alphabet", named + "=" + secret[1:], "", false},
		{"legacy, out of the alphabet", "sst_" + secret[:42] + ".", "", false},
		{"legacy, padded", "sst_" + secret[:42] + "=", "", false},
	} {
		got, ok := sessionOfToken(tc.token)
		if got != tc.id || ok != tc.ok {
			t.Errorf("%s: sessionOfToken(%q) = %q, %v; want %q, %v", tc.name, tc.token, got, ok, tc.id, tc.ok)
		}
	}
}
