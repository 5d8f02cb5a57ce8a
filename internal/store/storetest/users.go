package storetest

import (
	"maps"
	"slices"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

func testUsers(e *env) {
	w, other := e.workspace(), e.workspace()
	a := e.app(w)
	k := e.key(a)

	email := signed(verify.Email, "ada@example.com")
	email.Metadata = map[string]string{"verified_by": "brand"}
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada"), email)).User
	bob := e.login(e.newLogin(a, nil, claimed(verify.Email, "ada@example.com"), claimed(verify.UID, "bob"))).User
	anon := e.login(e.newLogin(a, nil)).User
	cy := e.login(e.newLogin(a, k, signed(verify.UID, "cy"))).User
	oa := e.app(other)
	e.login(e.newLogin(oa, e.key(oa), signed(verify.UID, "ada"), signed(verify.Email, "ada@example.com")))

	got, err := e.s.User(e.ctx, ada.ID)
	e.must(err)
	if got.ID != ada.ID || got.WorkspaceID != w.ID || got.Anonymous || len(got.Identities) != 2 {
		e.t.Errorf("User = %+v", got)
	}
	if id, ok := identity(got, verify.Email, "ada@example.com"); !ok || !id.Verified || !maps.Equal(id.Metadata, email.Metadata) {
		e.t.Errorf("email identity = %+v", id)
	}
	got, err = e.s.User(e.ctx, anon.ID)
	e.must(err)
	if !got.Anonymous || got.Identities == nil || len(got.Identities) != 0 {
		e.t.Errorf("anonymous User = %+v, want no identities (an empty list)", got)
	}
	_, err = e.s.User(e.ctx, model.NewID("usr"))
	e.wantCode(err, model.CodeNotFound)

	for _, tc := range []struct {
		name   string
		filter model.UserFilter
		want   []string
	}{
		{"all, newest first", model.UserFilter{}, []string{cy.ID, anon.ID, bob.ID, ada.ID}},
		{"identity value, verified or claimed", model.UserFilter{Identity: "ada@example.com"}, []string{bob.ID, ada.ID}},
		{"identity value of a uid", model.UserFilter{Identity: "cy"}, []string{cy.ID}},
		{"identity value is exact", model.UserFilter{Identity: "ADA@example.com"}, nil},
		{"limit", model.UserFilter{Limit: 3}, []string{cy.ID, anon.ID, bob.ID}},
		{"before", model.UserFilter{Before: anon.ID}, []string{bob.ID, ada.ID}},
		{"before and limit", model.UserFilter{Before: cy.ID, Limit: 1}, []string{anon.ID}},
		{"identity and limit", model.UserFilter{Identity: "ada@example.com", Limit: 1}, []string{bob.ID}},
	} {
		l, err := e.s.Users(e.ctx, w.ID, tc.filter)
		e.must(err)
		var ids []string
		for _, u := range l {
			ids = append(ids, u.ID)
			// Each listed user comes with all their identities.
			full, err := e.s.User(e.ctx, u.ID)
			e.must(err)
			if len(u.Identities) != len(full.Identities) {
				e.t.Errorf("Users(%s): %s listed with %d identities, has %d", tc.name, u.ID, len(u.Identities), len(full.Identities))
			}
		}
		if !slices.Equal(ids, tc.want) {
			e.t.Errorf("Users(%s) = %v, want %v", tc.name, ids, tc.want)
		}
	}
}
