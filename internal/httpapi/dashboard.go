package httpapi

import (
	"net/http"
	"net/netip"

	"github.com/signet-id/signet/internal/admin"
)

// ClientAddr is the client's address as the API's throttles and audit log
// see it: the peer, or the X-Forwarded-For hop past the trusted proxies. The
// dashboard uses it so that both agree.
func ClientAddr(r *http.Request, trustedProxies []netip.Prefix) string {
	s := &server{trustedProxies: trustedProxies}
	return s.clientAddr(r)
}

// NewAPIToken returns a new API token's text and the hash that is stored
// (the dashboard's sign-in makes one per staff session).
func NewAPIToken() (string, []byte) { return admin.NewTokenText() }
