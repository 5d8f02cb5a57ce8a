package httpapi

import (
	"testing"

	"github.com/signet-id/signet/internal/testenv"
)

// TestNoStoreImport keeps the HTTP layer a client of the services
// (internal/admin, internal/staff, internal/conversation, internal/login):
// no file of the package imports the store.
func TestNoStoreImport(t *testing.T) {
	testenv.NoImport(t, "github.com/signet-id/signet/internal/store", "call a service instead")
}
