package resolution

import (
	"errors"
	"slices"
	"testing"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// The login resolution rules, without a database: what was verified and
// claimed, and who holds each verified identity, decide the user.
func TestResolve(t *testing.T) {
	uid := func(v string, meta ...string) model.Identity { return identity(verify.UID, v, true, meta...) }
	email := func(v string, meta ...string) model.Identity { return identity(verify.Email, v, true, meta...) }
	claim := func(typ verify.IdentityType, v string) model.Identity { return identity(typ, v, false) }
	type want struct {
		user      string // "" for a new user
		attach    []string
		claims    []string
		conflicts []string // value@holder
		changed   []string
		err       error
	}
	cases := []struct {
		name     string
		verified []model.Identity
		claims   []model.Identity
		holders  []string
		held     map[string][]model.Identity
		split    bool
		want     want
	}{
		{name: "nobody holds anything: a new user",
			verified: []model.Identity{uid("u1"), email("a@b.co")}, holders: []string{"", ""},
			want: want{attach: []string{"u1", "a@b.co"}}},
		{name: "the uid's holder is the user, unchanged identities are not news",
			verified: []model.Identity{uid("u1"), email("a@b.co")}, holders: []string{"usrA", "usrA"},
			held: map[string][]model.Identity{"usrA": {uid("u1"), email("a@b.co")}},
			want: want{user: "usrA", attach: []string{"u1", "a@b.co"}}},
		{name: "a new email for the uid's holder is a change",
			verified: []model.Identity{uid("u1"), email("new@b.co")}, holders: []string{"usrA", ""},
			held: map[string][]model.Identity{"usrA": {uid("u1")}},
			want: want{user: "usrA", attach: []string{"u1", "new@b.co"}, changed: []string{"new@b.co"}}},
		{name: "other metadata on a held identity is a change",
			verified: []model.Identity{uid("u1", "plan", "pro")}, holders: []string{"usrA"},
			held: map[string][]model.Identity{"usrA": {uid("u1", "plan", "free")}},
			want: want{user: "usrA", attach: []string{"u1"}, changed: []string{"u1"}}},
		{name: "an email another user holds is a conflict and only a claim",
			verified: []model.Identity{uid("u1"), email("a@b.co")}, holders: []string{"usrA", "usrB"},
			held: map[string][]model.Identity{"usrA": {uid("u1")}, "usrB": {uid("u2"), email("a@b.co")}},
			want: want{user: "usrA", attach: []string{"u1"}, claims: []string{"a@b.co"}, conflicts: []string{"a@b.co@usrB"}}},
		{name: "without a uid, the email's holder is the user",
			verified: []model.Identity{email("a@b.co")}, claims: []model.Identity{claim(verify.UID, "typed")},
			holders: []string{"usrB"}, held: map[string][]model.Identity{"usrB": {uid("u2"), email("a@b.co")}},
			want: want{user: "usrB", attach: []string{"a@b.co"}, claims: []string{"typed"}}},
		{name: "a new uid links to the email's holder who has no uid",
			verified: []model.Identity{uid("u9"), email("a@b.co")}, holders: []string{"", "usrB"},
			held: map[string][]model.Identity{"usrB": {email("a@b.co")}},
			want: want{user: "usrB", attach: []string{"u9", "a@b.co"}, changed: []string{"u9"}}},
		{name: "a new uid never joins a user with a uid of their own",
			verified: []model.Identity{uid("u9"), email("a@b.co")}, holders: []string{"", "usrB"},
			held: map[string][]model.Identity{"usrB": {uid("u2"), email("a@b.co")}},
			want: want{attach: []string{"u9"}, claims: []string{"a@b.co"}, conflicts: []string{"a@b.co@usrB"}}},
		{name: "legacy split: nobody holds them",
			verified: []model.Identity{uid("12"), email("3a@b.co")}, holders: []string{"", ""}, split: true,
			want: want{attach: []string{"12", "3a@b.co"}}},
		{name: "legacy split: exactly the holder's uid and email",
			verified: []model.Identity{uid("12"), email("3a@b.co")}, holders: []string{"usrA", "usrA"}, split: true,
			held: map[string][]model.Identity{"usrA": {uid("12"), email("3a@b.co")}},
			want: want{user: "usrA", attach: []string{"12", "3a@b.co"}}},
		{name: "legacy split: the uid's holder has another email",
			verified: []model.Identity{uid("12"), email("3a@b.co")}, holders: []string{"usrA", ""}, split: true,
			held: map[string][]model.Identity{"usrA": {uid("12"), email("other@b.co")}},
			want: want{err: store.ErrSplitMismatch}},
		{name: "legacy split: two holders",
			verified: []model.Identity{uid("12"), email("3a@b.co")}, holders: []string{"usrA", "usrB"}, split: true,
			held: map[string][]model.Identity{"usrA": {uid("12")}, "usrB": {email("3a@b.co")}},
			want: want{err: store.ErrSplitMismatch}},
		{name: "legacy split: the holder has an email the login lacks",
			verified: []model.Identity{uid("12")}, holders: []string{"usrA"}, split: true,
			held: map[string][]model.Identity{"usrA": {uid("12"), email("3a@b.co")}},
			want: want{err: store.ErrSplitMismatch}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := slices.Clip(c.claims)
			f := &store.LoginFacts{Verified: c.verified, Claims: claims, Holders: c.holders, Held: c.held, ExactSplit: c.split}
			r, err := Resolve(f)
			if !errors.Is(err, c.want.err) {
				t.Fatalf("err = %v, want %v", err, c.want.err)
			}
			if err != nil {
				return
			}
			var conflicts []string
			for _, x := range r.Conflicts {
				conflicts = append(conflicts, x.Value+"@"+x.HolderID)
			}
			got := want{user: r.UserID, attach: values(r.Attach), claims: values(r.Claims), conflicts: conflicts,
				changed: values(r.Changed)}
			if got.user != c.want.user || !slices.Equal(got.attach, c.want.attach) || !slices.Equal(got.claims, c.want.claims) ||
				!slices.Equal(got.conflicts, c.want.conflicts) || !slices.Equal(got.changed, c.want.changed) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			for _, id := range r.Attach {
				if !id.Verified {
					t.Errorf("attached %s unverified", id.Value)
				}
			}
			for _, id := range r.Claims {
				if id.Verified || id.KeyID != "" || id.VerifiedAt != nil {
					t.Errorf("claim %s carries proof: %+v", id.Value, id)
				}
			}
			if len(claims) != len(c.claims) {
				t.Errorf("Resolve changed the caller's claims")
			}
		})
	}
}

func identity(typ verify.IdentityType, value string, verified bool, meta ...string) model.Identity {
	id := model.Identity{Type: typ, Value: value, Verified: verified}
	if verified {
		id.KeyID = "key_1"
	}
	if len(meta) == 2 {
		id.Metadata = map[string]string{meta[0]: meta[1]}
	}
	return id
}

func values(ids []model.Identity) []string {
	var v []string
	for _, id := range ids {
		v = append(v, id.Value)
	}
	return v
}
