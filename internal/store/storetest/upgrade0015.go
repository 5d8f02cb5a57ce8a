package storetest

import (
	"database/sql"
	"testing"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// Before0015 writes, through db (a database at schema 0012), a workspace,
// an app, a named user and a rejected attempt as Signet wrote them before
// migrations 0015 (claimed identities) and 0016 (signed names).
// CheckUpgradeTo0016 then reads them back.
func Before0015(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, stmt := range []string{
		`INSERT INTO workspaces (id, name, created_at) VALUES ('ws_1', 'Acme', 0)`,
		`INSERT INTO apps (id, workspace_id, name, platform, profile, enforcement, on_failure, full_privacy,
			max_token_lifetime, user_id_pattern, created_at, updated_at)
			VALUES ('app_1', 'ws_1', 'iOS', 'ios', 'signet', 'enforce', 'reject', FALSE, 3600, '', 0, 0)`,
		`INSERT INTO users (id, workspace_id, anonymous, name, created_at) VALUES ('usr_1', 'ws_1', FALSE, 'Jane', 1000)`,
		`INSERT INTO attempts (id, workspace_id, app_id, platform, profile, app_version, result, reason, cause,
			diagnosis, key_id, user_id, at)
			VALUES ('att_1', 'ws_1', 'app_1', 'ios', 'signet', '', 'rejected', 'signature_mismatch', '', '', '', NULL, 2000)`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
}

// CheckUpgradeTo0016: the old rows read back, the name unsigned (nothing
// recorded it was signed) and the attempt without a claimed identity.
func CheckUpgradeTo0016(t *testing.T, s store.Store) {
	t.Helper()
	u, err := s.User(t.Context(), "usr_1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Jane" || u.NameSigned || !u.NameUnsigned() {
		t.Errorf("user after the upgrade: name %q signed %v", u.Name, u.NameSigned)
	}
	l, err := s.Attempts(t.Context(), "ws_1", model.AttemptFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 1 || l[0].ID != "att_1" || l[0].ClaimedUserID != "" || l[0].ClaimedEmail != "" {
		t.Errorf("attempts after the upgrade: %+v", l)
	}
}
