package web_test

import (
	"testing"

	"github.com/signet-id/signet/internal/testenv"
)

// TestNoStoreImport: the dashboard reaches data through the services
// (admin, staff, login), never the store: its code imports no
// internal/store package, so that every rule stays in one place.
func TestNoStoreImport(t *testing.T) {
	testenv.NoImport(t, "github.com/signet-id/signet/internal/store", "call a service instead")
}
