package storetest

import (
	"database/sql"
	"testing"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// Before0013 writes, through db (a database at schema 0012), accounts as
// Signet kept them before migrations 0013 and 0014: emails unique across
// the instance but compared as written, so two accounts of workspace ws_1
// differ only in case; and a dashboard session tied to its account by its
// name only. CheckUpgradeTo0014 then reads them back.
func Before0013(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, stmt := range []string{
		`INSERT INTO workspaces (id, name, created_at) VALUES ('ws_1', 'Acme', 0)`,
		`INSERT INTO accounts (id, workspace_id, email, role, password_hash, created_at) VALUES ('acc_first', 'ws_1', 'Ann@Example.com', 'admin', 'h', 1)`,
		`INSERT INTO accounts (id, workspace_id, email, role, password_hash, created_at) VALUES ('acc_second', 'ws_1', 'ann@example.com', 'agent', 'h', 2)`,
		`INSERT INTO accounts (id, workspace_id, email, role, password_hash, created_at) VALUES ('acc_owner', NULL, 'owner@example.com', 'owner', 'h', 3)`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(t.Context(), `INSERT INTO api_tokens (id, workspace_id, role, name, kind, token_hash, created_at)
		VALUES ('tok_session', 'ws_1', 'admin', 'dashboard: Ann@Example.com', 'dashboard', $1, 5)`, hash("session")); err != nil {
		t.Fatal(err)
	}
}

// CheckUpgradeTo0014 reads back what Before0013 wrote, through the store.
func CheckUpgradeTo0014(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	l, err := s.AccountsByEmail(ctx, "ANN@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 1 || l[0].ID != "acc_first" || l[0].Email != "Ann@Example.com" {
		t.Errorf("AccountsByEmail after the upgrade = %+v, want the oldest only", l)
	}
	accounts, err := s.Accounts(ctx, "ws_1")
	if err != nil || len(accounts) != 2 {
		t.Errorf("the workspace's accounts after the upgrade: %+v, %v", accounts, err)
	}
	tok, err := s.APITokenByHash(ctx, hash("session"), t0)
	if err != nil || tok.AccountID != "acc_first" {
		t.Errorf("the dashboard session's account after the upgrade: %+v, %v", tok, err)
	}
	err = s.CreateAccount(ctx, &model.Account{ID: model.NewID("acc"), WorkspaceID: "ws_1", Email: "ann@EXAMPLE.com",
		Role: model.RoleAgent, PasswordHash: "h", CreatedAt: t0}, nil)
	if model.ErrorCode(err) != model.CodeConflict {
		t.Errorf("an email taken in another case after the upgrade: %v", err)
	}
}
