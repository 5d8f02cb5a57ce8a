package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClaimedValue(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	for _, tc := range []struct{ name, in, want string }{
		{"as given", "ada@example.com", "ada@example.com"},
		{"a control character", "ada\x00", ClaimedInvalid},
		{"a bidi override", "ada\u202egro.live", ClaimedInvalid},
		{"invalid UTF-8", "ada\xff", ClaimedInvalid},
		{"too long: cut at a character", long, strings.Repeat("é", (MaxClaimed-len("…"))/2) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ClaimedValue(tc.in)
			if got != tc.want {
				t.Errorf("ClaimedValue(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if len(got) > MaxClaimed || !utf8.ValidString(got) {
				t.Errorf("ClaimedValue(%q) = %q: over %d bytes or invalid UTF-8", tc.in, got, MaxClaimed)
			}
		})
	}
}
