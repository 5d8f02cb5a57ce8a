package storetest

import (
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

func testWorkspaces(e *env) {
	list, err := e.s.Workspaces(e.ctx)
	e.must(err)
	if len(list) != 0 {
		e.t.Fatalf("a fresh store has %d workspaces", len(list))
	}
	// Created out of order: the list is by creation time, oldest first.
	newer := &model.Workspace{ID: model.NewID("ws"), Name: "Newer", CreatedAt: t0.Add(time.Hour)}
	older := &model.Workspace{ID: model.NewID("ws"), Name: "Older", CreatedAt: t0}
	e.must(e.s.CreateWorkspace(e.ctx, newer, nil))
	e.must(e.s.CreateWorkspace(e.ctx, older, nil))

	got, err := e.s.Workspace(e.ctx, older.ID)
	e.must(err)
	if got.ID != older.ID || got.Name != "Older" || !got.CreatedAt.Equal(ms(t0)) || got.CreatedAt.Location() != time.UTC {
		e.t.Errorf("Workspace = %+v, want %+v at millisecond precision, UTC", got, older)
	}
	list, err = e.s.Workspaces(e.ctx)
	e.must(err)
	if len(list) != 2 || list[0].ID != older.ID || list[1].ID != newer.ID {
		e.t.Errorf("Workspaces = %+v, want older then newer", list)
	}

	_, err = e.s.Workspace(e.ctx, model.NewID("ws"))
	e.wantCode(err, model.CodeNotFound)
	e.wantCode(e.s.CreateWorkspace(e.ctx, &model.Workspace{ID: older.ID, Name: "Again", CreatedAt: t0}, nil), model.CodeConflict)
}

func testApps(e *env) {
	w, other := e.workspace(), e.workspace()
	a := &model.App{ID: model.NewID("app"), WorkspaceID: w.ID, Name: "Web", Platform: model.PlatformWeb,
		Profile: verify.HelpshiftLegacy, Enforcement: model.EnforcementMonitor, OnFailure: model.OnFailureAnonymous,
		FullPrivacy: true, MaxTokenLifetime: 600, UserIDPattern: `[0-9]+`, AudienceAlias: "pylon-widget-1",
		CreatedAt: e.tick(), UpdatedAt: e.now}
	e.must(e.s.CreateApp(e.ctx, a, nil))
	second := e.app(w)
	e.app(other)

	got, err := e.s.App(e.ctx, a.ID)
	e.must(err)
	want := *a
	want.CreatedAt, want.UpdatedAt = ms(a.CreatedAt), ms(a.UpdatedAt)
	if *got != want {
		e.t.Errorf("App =\n %+v, want\n %+v", got, want)
	}
	list, err := e.s.Apps(e.ctx, w.ID)
	e.must(err)
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != second.ID {
		e.t.Errorf("Apps = %+v, want the workspace's two, oldest first", list)
	}

	// UpdateApp saves every setting but the id, workspace and creation time.
	upd := *a
	upd.WorkspaceID, upd.CreatedAt = other.ID, t0.Add(-time.Hour)
	upd.Name, upd.Platform, upd.Profile = "Web 2", model.PlatformAndroid, verify.Signet
	upd.Enforcement, upd.OnFailure, upd.FullPrivacy = model.EnforcementEnforce, model.OnFailureReject, false
	upd.MaxTokenLifetime, upd.UserIDPattern, upd.UpdatedAt = 86400, "", e.tick()
	upd.AudienceAlias = "pylon-widget-2"
	e.must(e.s.UpdateApp(e.ctx, &upd, nil))
	got, err = e.s.App(e.ctx, a.ID)
	e.must(err)
	want = upd
	want.WorkspaceID, want.CreatedAt, want.UpdatedAt = w.ID, ms(a.CreatedAt), ms(upd.UpdatedAt)
	if *got != want {
		e.t.Errorf("after UpdateApp =\n %+v, want\n %+v", got, want)
	}

	for _, tc := range []struct {
		name string
		err  error
		code model.Code
	}{
		{"App of an unknown id", func() error { _, err := e.s.App(e.ctx, model.NewID("app")); return err }(), model.CodeNotFound},
		{"UpdateApp of an unknown id", e.s.UpdateApp(e.ctx, &model.App{ID: model.NewID("app"), UpdatedAt: t0}, nil), model.CodeNotFound},
		{"CreateApp in an unknown workspace", e.s.CreateApp(e.ctx, &model.App{ID: model.NewID("app"),
			WorkspaceID: model.NewID("ws"), CreatedAt: t0, UpdatedAt: t0}, nil), model.CodeNotFound},
		{"CreateApp with a taken id", e.s.CreateApp(e.ctx, a, nil), model.CodeConflict},
	} {
		if got := model.ErrorCode(tc.err); got != tc.code {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, tc.err, got, tc.code)
		}
	}
	list, err = e.s.Apps(e.ctx, model.NewID("ws"))
	e.must(err)
	if len(list) != 0 {
		e.t.Errorf("Apps of an unknown workspace = %+v", list)
	}
}
