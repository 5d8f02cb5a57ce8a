package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{trustedProxies: proxies}
	tests := []struct {
		name, peer, xff, want string
	}{
		{"no proxy: the header is ignored", "203.0.113.5:4000", "1.2.3.4", "203.0.113.5"},
		{"trusted proxy: the client before it", "10.1.2.3:4000", "198.51.100.9", "198.51.100.9"},
		{"a chain of trusted proxies", "10.1.2.3:4000", "198.51.100.9, 192.0.2.7, 10.9.9.9", "198.51.100.9"},
		{"a forged left-most hop is not believed", "10.1.2.3:4000", "6.6.6.6, 198.51.100.9", "198.51.100.9"},
		{"a malformed hop stops the chain", "10.1.2.3:4000", "198.51.100.9, junk", "10.1.2.3"},
		{"IPv6 peer", "[2001:db8::1]:4000", "1.2.3.4", "2001:db8::1"},
		{"IPv4-mapped IPv6 proxy", "[::ffff:10.0.0.1]:4000", "198.51.100.9", "198.51.100.9"},
		{"only proxies", "10.1.2.3:4000", "10.2.2.2", "10.2.2.2"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/v1/apps/x/login", nil)
		r.RemoteAddr = tt.peer
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := s.clientAddr(r); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad prefix was accepted")
	}
}
