package storetest

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// Before0005 writes, through db (a database at schema 0004 that has
// workspace ws_1 and its app app_1), rows as Signet wrote them before
// migration 0005: attempts of one millisecond, and API tokens, one of them
// a dashboard session. CheckUpgradeTo0005 then reads them back.
func Before0005(t *testing.T, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []string{"att_c", "att_a", "att_d", "att_b"} {
		at := int64(1000)
		if id == "att_d" {
			at = 2000
		}
		_, err := db.ExecContext(ctx, `INSERT INTO attempts (id, workspace_id, app_id, platform, profile, app_version,
			result, reason, cause, diagnosis, key_id, user_id, at)
			VALUES ($1, 'ws_1', 'app_1', 'ios', 'signet', '', 'rejected', 'signature_mismatch', '', '', '', NULL, $2)`, id, at)
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tok := range []struct{ id, name string }{
		{"tok_dashboard", "dashboard: ann@example.com"},
		{"tok_script", "deploy script"},
		{"tok_lookalike", "Dashboard:x"},
	} {
		_, err := db.ExecContext(ctx, `INSERT INTO api_tokens (id, workspace_id, role, name, token_hash, created_at)
			VALUES ($1, 'ws_1', 'admin', $2, $3, 5000)`, tok.id, tok.name, hash(tok.id))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// CheckUpgradeTo0005 checks s, opened on Before0005's database: the old
// attempts keep their order (at, then id, as they listed before) and a new
// attempt of the same millisecond lists before them; the dashboard session
// expires 12 hours after its creation, other tokens never.
func CheckUpgradeTo0005(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	e := s.RecordAttempt(ctx, &model.Attempt{ID: "att_0", WorkspaceID: "ws_1", AppID: "app_1", Result: model.ResultRejected,
		At: time.UnixMilli(1000)})
	if e != nil {
		t.Fatal(e)
	}
	l, err := s.Attempts(ctx, "ws_1", model.AttemptFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := attemptIDs(l), []string{"att_d", "att_0", "att_c", "att_b", "att_a"}; !slices.Equal(got, want) {
		t.Errorf("attempts after 0005 = %v, want %v", got, want)
	}
	tokens, err := s.APITokens(ctx, "ws_1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		switch want := time.UnixMilli(5000).Add(12 * time.Hour); {
		case tok.ID == "tok_dashboard" && !sameTime(tok.ExpiresAt, want):
			t.Errorf("dashboard session after 0005: expires_at %v, want %v", tok.ExpiresAt, want)
		case tok.ID != "tok_dashboard" && tok.ExpiresAt != nil:
			t.Errorf("token %s after 0005: expires_at %v, want none", tok.ID, tok.ExpiresAt)
		}
		// Migration 0009 gives tokens a kind: the dashboard session's name
		// marked it (exactly "dashboard: ", as the dashboard checked).
		if wantKind := map[bool]model.TokenKind{true: model.TokenDashboard, false: model.TokenAPI}[tok.ID == "tok_dashboard"]; tok.Kind != wantKind {
			t.Errorf("token %s (%q) after 0009: kind %q, want %q", tok.ID, tok.Name, tok.Kind, wantKind)
		}
	}
	if len(tokens) != 3 {
		t.Errorf("tokens after 0005 = %+v", tokens)
	}
	if _, err := s.APITokenByHash(ctx, hash("tok_dashboard"), time.UnixMilli(5000).Add(13*time.Hour)); model.ErrorCode(err) != model.CodeNotFound {
		t.Errorf("dashboard session from before 0005, 13 hours on: %v, want not_found", err)
	}
}
