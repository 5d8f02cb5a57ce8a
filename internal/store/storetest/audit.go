package storetest

import (
	"database/sql"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// auditEntry appends, at the next tick, an entry of workspace ws ("" for
// instance-wide).
func (e *env) auditEntry(ws string, actor, action, target string) *model.AuditEntry {
	e.t.Helper()
	a := &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: ws, ActorRole: model.RoleAdmin, ActorID: actor,
		Action: action, TargetType: strings.Split(action, ".")[0], TargetID: target, IP: "203.0.113.7",
		UserAgent: "signet-cli/1.0", At: e.tick()}
	e.must(e.s.AppendAudit(e.ctx, a))
	return a
}

// sameAudit compares an entry read back with the one written: times to the
// millisecond, details as JSON.
func sameAudit(got, want model.AuditEntry) bool {
	gd, _ := json.Marshal(got.Details)
	wd, _ := json.Marshal(want.Details)
	if string(gd) != string(wd) || (got.Details == nil) != (len(want.Details) == 0) {
		return false
	}
	if !got.At.Equal(ms(want.At)) {
		return false
	}
	got.Details, want.Details, got.At, want.At = nil, nil, time.Time{}, time.Time{}
	return reflect.DeepEqual(got, want)
}

func auditIDs(l []model.AuditEntry) []string {
	var ids []string
	for _, a := range l {
		ids = append(ids, a.ID)
	}
	return ids
}

// testAudit: what AppendAudit writes comes back, newest first, filtered,
// paged, per workspace or instance-wide.
func testAudit(e *env) {
	w, other := e.workspace(), e.workspace()

	// The round trip, details included (numbers come back as JSON numbers).
	created := &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: w.ID, ActorRole: model.RoleAdmin, ActorID: "tok_a",
		Action: "app.update", TargetType: "app", TargetID: "app_1",
		Details: map[string]any{"name": "Acme iOS", "full_privacy": true, "max_token_lifetime": 3600,
			"big": int64(math.MaxInt64), "changed": []any{"name", "enforcement"}, "was": map[string]any{"name": "Acme"},
			"none": nil},
		IP: "2001:db8::1", UserAgent: "Mozilla/5.0 (X11; Linux x86_64)", At: e.tick()}
	e.must(e.s.AppendAudit(e.ctx, created))
	l, err := e.s.Audit(e.ctx, w.ID, model.AuditFilter{})
	e.must(err)
	if len(l) != 1 || !sameAudit(l[0], *created) {
		e.t.Fatalf("Audit =\n %+v, want\n %+v", l, *created)
	}
	if n, ok := l[0].Details["big"].(json.Number); !ok || n.String() != "9223372036854775807" {
		e.t.Errorf("a large integer in the details came back as %#v", l[0].Details["big"])
	}

	e1 := e.auditEntry(w.ID, "tok_a", "key.create", "key_1")
	e2 := e.auditEntry(w.ID, "tok_b", "app.update", "app_1")
	i1 := e.auditEntry("", "owner", "workspace.create", w.ID)
	o1 := e.auditEntry(other.ID, "tok_a", "key.create", "key_9")
	e3 := e.auditEntry(w.ID, "tok_a", "key.revoke", "key_1")
	i2 := e.auditEntry("", "owner", "workspace.create", other.ID)

	for _, tc := range []struct {
		name string
		ws   string
		f    model.AuditFilter
		want []string
	}{
		{"all, newest first", w.ID, model.AuditFilter{}, []string{e3.ID, e2.ID, e1.ID, created.ID}},
		{"action", w.ID, model.AuditFilter{Action: "app.update"}, []string{e2.ID, created.ID}},
		{"actor", w.ID, model.AuditFilter{ActorID: "tok_a"}, []string{e3.ID, e1.ID, created.ID}},
		{"target", w.ID, model.AuditFilter{TargetID: "key_1"}, []string{e3.ID, e1.ID}},
		{"actor and action", w.ID, model.AuditFilter{ActorID: "tok_a", Action: "key.create"}, []string{e1.ID}},
		{"since is inclusive", w.ID, model.AuditFilter{Since: e2.At}, []string{e3.ID, e2.ID}},
		{"limit", w.ID, model.AuditFilter{Limit: 2}, []string{e3.ID, e2.ID}},
		{"before", w.ID, model.AuditFilter{Before: e2.ID}, []string{e1.ID, created.ID}},
		{"before and limit", w.ID, model.AuditFilter{Before: e3.ID, Limit: 2}, []string{e2.ID, e1.ID}},
		{"before and a filter", w.ID, model.AuditFilter{Before: e3.ID, ActorID: "tok_a"}, []string{e1.ID, created.ID}},
		{"before the oldest", w.ID, model.AuditFilter{Before: created.ID}, nil},
		{"an unknown cursor", w.ID, model.AuditFilter{Before: model.NewID("aud")}, nil},
		{"a cursor of another workspace", w.ID, model.AuditFilter{Before: o1.ID}, nil},
		{"a cursor of the instance-wide log", w.ID, model.AuditFilter{Before: i2.ID}, nil},
		{"no match", w.ID, model.AuditFilter{Action: "key.delete"}, nil},
		{"the other workspace", other.ID, model.AuditFilter{}, []string{o1.ID}},
		{"instance-wide", "", model.AuditFilter{}, []string{i2.ID, i1.ID}},
		{"instance-wide, filtered", "", model.AuditFilter{TargetID: w.ID}, []string{i1.ID}},
		{"instance-wide, before", "", model.AuditFilter{Before: i2.ID}, []string{i1.ID}},
		{"instance-wide, a workspace's cursor", "", model.AuditFilter{Before: e3.ID}, nil},
		{"an unknown workspace", model.NewID("ws"), model.AuditFilter{}, nil},
	} {
		l, err := e.s.Audit(e.ctx, tc.ws, tc.f)
		e.must(err)
		if got := auditIDs(l); !slices.Equal(got, tc.want) {
			e.t.Errorf("Audit(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
	l, err = e.s.Audit(e.ctx, "", model.AuditFilter{})
	e.must(err)
	if len(l) != 2 || !sameAudit(l[1], *i1) || l[1].WorkspaceID != "" {
		e.t.Errorf("instance-wide entry = %+v, want %+v", l, *i1)
	}

	// Entries of the same millisecond come last written first, whatever
	// their ids; paging with Before walks through them.
	same := e.tick()
	var written []string
	for _, id := range []string{"aud_c", "aud_a", "aud_b"} {
		a := &model.AuditEntry{ID: id, WorkspaceID: w.ID, ActorRole: model.RoleAgent, ActorID: "tok_c",
			Action: "issue.resolve", At: same}
		e.must(e.s.AppendAudit(e.ctx, a))
		written = append([]string{id}, written...)
	}
	l, err = e.s.Audit(e.ctx, w.ID, model.AuditFilter{Limit: 4})
	e.must(err)
	if got, want := auditIDs(l), append(written, e3.ID); !slices.Equal(got, want) {
		e.t.Errorf("entries of one millisecond = %v, want the last written first: %v", got, want)
	}
	var walked []string
	f := model.AuditFilter{Limit: 2}
	for {
		page, err := e.s.Audit(e.ctx, w.ID, f)
		e.must(err)
		if len(page) == 0 {
			break
		}
		walked = append(walked, auditIDs(page)...)
		f.Before = page[len(page)-1].ID
	}
	whole, err := e.s.Audit(e.ctx, w.ID, model.AuditFilter{})
	e.must(err)
	if !slices.Equal(walked, auditIDs(whole)) || len(walked) != 7 {
		e.t.Errorf("paging walked %v, want %v", walked, auditIDs(whole))
	}
}

// testAuditWrites: what AppendAudit fills, keeps and refuses.
func testAuditWrites(e *env) {
	w := e.workspace()

	// An entry without an id is given one; without details it reads back nil.
	bare := &model.AuditEntry{WorkspaceID: w.ID, ActorRole: model.RoleOwner, ActorID: "owner", Action: "workspace.update",
		TargetType: "workspace", TargetID: w.ID, Details: map[string]any{}, At: e.tick()}
	e.must(e.s.AppendAudit(e.ctx, bare))
	if !model.ValidID("aud", bare.ID) {
		e.t.Errorf("AppendAudit gave the id %q", bare.ID)
	}
	l, err := e.s.Audit(e.ctx, w.ID, model.AuditFilter{})
	e.must(err)
	if len(l) != 1 || l[0].ID != bare.ID || l[0].Details != nil {
		e.t.Errorf("Audit = %+v, want the entry without details", l)
	}

	// A User-Agent cut inside a character, or with a NUL, is kept with
	// U+FFFD in place of the bad bytes, on both databases alike.
	odd := &model.AuditEntry{WorkspaceID: w.ID, ActorRole: model.RoleAdmin, ActorID: "tok_a", Action: "key.create",
		UserAgent: "agent/\xe2\x82 x\x00y", IP: "10.0.0.1", Details: map[string]any{"note": "caf\xc3"}, At: e.tick()}
	e.must(e.s.AppendAudit(e.ctx, odd))
	l, err = e.s.Audit(e.ctx, w.ID, model.AuditFilter{Action: "key.create"})
	e.must(err)
	if len(l) != 1 || l[0].UserAgent != "agent/\uFFFD x\uFFFDy" || l[0].Details["note"] != "caf\uFFFD" {
		e.t.Errorf("the entry with bad bytes read back as %+q", l)
	}

	for _, tc := range []struct {
		name string
		a    model.AuditEntry
		code model.Code
	}{
		{"taken id", model.AuditEntry{ID: bare.ID, WorkspaceID: w.ID, Action: "x.y", At: e.now}, model.CodeConflict},
		{"taken id, instance-wide", model.AuditEntry{ID: bare.ID, Action: "x.y", At: e.now}, model.CodeConflict},
		{"no time", model.AuditEntry{WorkspaceID: w.ID, Action: "x.y"}, model.CodeInvalid},
		{"no action", model.AuditEntry{WorkspaceID: w.ID, At: e.now}, model.CodeInvalid},
		{"details that are not JSON", model.AuditEntry{WorkspaceID: w.ID, Action: "x.y", At: e.now,
			Details: map[string]any{"f": func() {}}}, model.CodeInvalid},
		{"a NaN in the details", model.AuditEntry{WorkspaceID: w.ID, Action: "x.y", At: e.now,
			Details: map[string]any{"n": math.NaN()}}, model.CodeInvalid},
	} {
		if got := model.ErrorCode(e.s.AppendAudit(e.ctx, &tc.a)); got != tc.code {
			e.t.Errorf("AppendAudit with %s: code %q, want %q", tc.name, got, tc.code)
		}
	}
	l, err = e.s.Audit(e.ctx, w.ID, model.AuditFilter{})
	e.must(err)
	if len(l) != 2 {
		e.t.Errorf("after the refused entries the log holds %v, want 2 entries", auditIDs(l))
	}
}

// testAuditAppendOnly: the database itself refuses to change or delete an
// entry, whatever SQL reaches it. It needs the store's *sql.DB.
func testAuditAppendOnly(e *env) {
	raw, ok := e.s.(interface{ DB() *sql.DB })
	if !ok {
		e.t.Fatalf("%T has no DB() *sql.DB: the suite cannot check that the database refuses changes to the audit log", e.s)
	}
	db := raw.DB()
	w := e.workspace()
	kept := e.auditEntry(w.ID, "tok_a", "key.create", "key_1")
	instance := e.auditEntry("", "owner", "workspace.create", w.ID)

	for _, tc := range []struct {
		name, sql string
		args      []any
		// portable statements must be refused by the append-only rule
		// itself; a dialect's own ones may fail as a syntax error on the
		// other database.
		portable bool
	}{
		{"UPDATE of one entry", `UPDATE audit_log SET action = 'key.delete' WHERE id = $1`, []any{kept.ID}, true},
		{"UPDATE of every entry", `UPDATE audit_log SET workspace_id = NULL`, nil, true},
		{"DELETE of one entry", `DELETE FROM audit_log WHERE id = $1`, []any{kept.ID}, true},
		{"DELETE of an instance-wide entry", `DELETE FROM audit_log WHERE workspace_id IS NULL`, nil, true},
		{"DELETE of every entry", `DELETE FROM audit_log`, nil, true},
		{"upsert over an entry", `INSERT INTO audit_log (id, workspace_id, actor_role, actor_id, action, target_type,
			target_id, details, ip, user_agent, at) VALUES ($1, NULL, 'owner', 'x', 'x', 'x', 'x', '{}', '', '', 0)
			ON CONFLICT (id) DO UPDATE SET action = 'x'`, []any{kept.ID}, true},
		{"INSERT OR REPLACE (SQLite)", `INSERT OR REPLACE INTO audit_log (id, workspace_id, actor_role, actor_id, action,
			target_type, target_id, details, ip, user_agent, at) VALUES ($1, NULL, 'owner', 'x', 'x', 'x', 'x', '{}', '', '', 0)`,
			[]any{kept.ID}, false},
		{"REPLACE (SQLite)", `REPLACE INTO audit_log (id, workspace_id, actor_role, actor_id, action,
			target_type, target_id, details, ip, user_agent, at) VALUES ($1, NULL, 'owner', 'x', 'x', 'x', 'x', '{}', '', '', 0)`,
			[]any{instance.ID}, false},
		{"TRUNCATE (PostgreSQL)", `TRUNCATE audit_log`, nil, false},
	} {
		_, err := db.ExecContext(e.ctx, tc.sql, tc.args...)
		switch {
		case err == nil:
			e.t.Errorf("%s: the database accepted it", tc.name)
		case strings.Contains(err.Error(), "the audit log is append-only"):
		case tc.portable || !strings.Contains(strings.ToLower(err.Error()), "syntax"):
			e.t.Errorf("%s: refused with %v, want the append-only rule's error", tc.name, err)
		}
	}

	// Nothing changed, and appending still works.
	after := e.auditEntry(w.ID, "tok_a", "key.revoke", "key_1")
	l, err := e.s.Audit(e.ctx, w.ID, model.AuditFilter{})
	e.must(err)
	if len(l) != 2 || !sameAudit(l[0], *after) || !sameAudit(l[1], *kept) {
		e.t.Errorf("after the refused statements the log is %+v, want %+v and %+v", l, *after, *kept)
	}
	l, err = e.s.Audit(e.ctx, "", model.AuditFilter{})
	e.must(err)
	if len(l) != 1 || !sameAudit(l[0], *instance) {
		e.t.Errorf("after the refused statements the instance-wide log is %+v, want %+v", l, *instance)
	}
}
