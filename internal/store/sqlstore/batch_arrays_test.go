package sqlstore

import (
	"testing"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// The one-statement write of a batch (PostgreSQL) may not change a row
// twice: overlap must find a row that is both refreshed and claimed,
// wherever it sits in the two lists.
func TestOverlap(t *testing.T) {
	row := func(user string, typ verify.IdentityType, value string) identityRow {
		return identityRow{userID: user, workspaceID: "ws", id: model.Identity{Type: typ, Value: value}}
	}
	a := lastPerIdentity([]identityRow{row("u1", verify.UID, "1"), row("u3", verify.UID, "3"), row("u5", verify.Email, "e")})
	for _, c := range []struct {
		name string
		b    []identityRow
		want bool
	}{
		{"none", nil, false},
		{"other users", []identityRow{row("u2", verify.UID, "2"), row("u4", verify.Email, "e")}, false},
		{"same user, other identity", []identityRow{row("u3", verify.Email, "3@example.com")}, false},
		{"first", []identityRow{row("u1", verify.UID, "1")}, true},
		{"middle, after others", []identityRow{row("u0", verify.UID, "0"), row("u2", verify.UID, "2"), row("u3", verify.UID, "3")}, true},
		{"last", []identityRow{row("u4", verify.UID, "4"), row("u5", verify.Email, "e")}, true},
	} {
		if got := overlap(a, lastPerIdentity(c.b)); got != c.want {
			t.Errorf("%s: overlap = %v, want %v", c.name, got, c.want)
		}
		if got := overlap(lastPerIdentity(c.b), a); got != c.want {
			t.Errorf("%s, lists swapped: overlap = %v, want %v", c.name, got, c.want)
		}
	}
}
