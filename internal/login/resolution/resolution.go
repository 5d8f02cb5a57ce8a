// Package resolution decides which user a login belongs to: a pure
// function of what the login verified and claimed and who holds each
// verified identity, which the store runs inside the login's transaction
// (store.Login.Resolve).
package resolution

import (
	"cmp"
	"maps"
	"slices"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// Resolve decides which user a login belongs to and what it attaches, from
// what the store read inside the login's transaction. It reads nothing and
// writes nothing: the store runs it (store.Login.Resolve) and writes its
// answer in the same transaction.
//
// The rules, in order:
//   - The holder of a verified uid is the user.
//   - Otherwise, when the login verifies no uid, the holder of the first
//     other verified identity (an email first) is the user.
//   - A new verified uid links to the holder of the login's email (or
//     other identity) only when that user has no verified uid of their
//     own: otherwise the login makes a new user.
//   - Nobody holding any of them makes a new user.
//   - A verified identity another user holds is never moved: the login
//     records a conflict and attaches it as a claim.
//   - helpshift-legacy (ExactSplit): joining an existing user requires that
//     user's verified uid and email to be exactly the login's; one user
//     must hold all of those that are held. Else store.ErrSplitMismatch.
func Resolve(f *store.LoginFacts) (*store.Resolution, error) {
	if f.ExactSplit {
		if err := exactSplit(f); err != nil {
			return nil, err
		}
	}
	r := &store.Resolution{UserID: resolveUser(f)}
	r.Claims = slices.Clip(slices.Clone(f.Claims))
	for i, id := range f.Verified {
		holder := f.Holders[i]
		if holder != "" && holder != r.UserID {
			r.Conflicts = append(r.Conflicts, model.IdentityConflict{Type: id.Type, Value: id.Value, HolderID: holder})
			id.Verified, id.KeyID, id.VerifiedAt = false, "", nil
			r.Claims = append(r.Claims, id)
			continue
		}
		if r.UserID != "" && (holder == "" || !sameMetadata(f.Held[r.UserID], id)) {
			// Newly attached, or held with other metadata.
			r.Changed = append(r.Changed, id)
		}
		r.Attach = append(r.Attach, id)
	}
	return r, nil
}

// resolveUser names the existing user of the login, or "" for a new one.
func resolveUser(f *store.LoginFacts) string {
	var byUID, byOther string
	hasUID := false
	for i, id := range f.Verified {
		if id.Type == verify.UID {
			hasUID = true
			byUID = cmp.Or(byUID, f.Holders[i])
		} else {
			byOther = cmp.Or(byOther, f.Holders[i])
		}
	}
	switch {
	case byUID != "":
		return byUID
	case byOther == "":
		return ""
	case !hasUID:
		return byOther
	case holdsType(f.Held[byOther], verify.UID):
		// A new uid never joins a user who has a uid of their own.
		return ""
	}
	return byOther
}

// exactSplit checks the helpshift-legacy rule: either nobody holds the
// login's verified identities, or one user does whose verified uid and
// email are exactly the login's.
func exactSplit(f *store.LoginFacts) error {
	userID := ""
	for _, h := range f.Holders {
		switch {
		case h == "":
		case userID == "":
			userID = h
		case h != userID:
			return store.ErrSplitMismatch
		}
	}
	if userID == "" {
		return nil // a new user
	}
	held, presented := 0, 0
	for _, h := range f.Held[userID] {
		if h.Type == verify.UID || h.Type == verify.Email {
			held++
		}
	}
	for _, id := range f.Verified {
		if id.Type != verify.UID && id.Type != verify.Email {
			continue
		}
		presented++
		if !slices.ContainsFunc(f.Held[userID], func(h model.Identity) bool { return h.Type == id.Type && h.Value == id.Value }) {
			return store.ErrSplitMismatch
		}
	}
	if presented != held {
		return store.ErrSplitMismatch
	}
	return nil
}

// sameMetadata reports whether held has id with id's metadata.
func sameMetadata(held []model.Identity, id model.Identity) bool {
	i := slices.IndexFunc(held, func(h model.Identity) bool { return h.Type == id.Type && h.Value == id.Value })
	return i >= 0 && maps.Equal(held[i].Metadata, id.Metadata)
}

// holdsType reports whether held has an identity of type t.
func holdsType(held []model.Identity, t verify.IdentityType) bool {
	return slices.ContainsFunc(held, func(h model.Identity) bool { return h.Type == t })
}
