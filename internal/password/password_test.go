package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := Hash("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q", h)
	}
	if strings.Contains(h, "horse") {
		t.Fatal("the hash holds the password")
	}
	if !Verify("correct horse battery staple", h) {
		t.Error("the right password fails")
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple"} {
		if Verify(wrong, h) {
			t.Errorf("%q matched", wrong)
		}
	}
	if Hash("x") == Hash("x") {
		t.Error("salts repeat")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=65536,t=3,p=2$AAAA$AAAA", strings.Replace(h, "m=65536", "m=999999999", 1), h[:len(h)-10] + "!!!"} {
		if Verify("correct horse battery staple", bad) {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
}
