package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// loginTries bounds how often a login that lost a race for a new verified
// identity is run again; each retry finds the winner's user.
const loginTries = 5

// errIdentityRace is how a login learns that a concurrent login committed
// the same verified identity first (on PostgreSQL, where logins run side by
// side; SQLite's single writer never sees it).
var errIdentityRace = errors.New("a concurrent login attached the same verified identity")

// Login writes everything a successful login produces in one transaction,
// shared with the logins that arrive meanwhile (group commit, batch.go): it
// resolves the user by store.Login's rules, attaches the identities,
// records conflicts, creates the session, records the attempt, hands an
// anonymous session's issues over (store.Login.HandOver) and marks the key
// used. It answers once the transaction committed; on error nothing of the
// login is written. The outcome's Changed lists the verified identities an
// existing user gained or whose metadata changed.
func (s *Store) Login(ctx context.Context, l *store.Login) (*store.LoginOutcome, error) {
	if err := checkLogin(l); err != nil {
		return nil, err
	}
	j := &job{login: l, done: make(chan struct{})}
	j.verified, j.claims = splitIdentities(l)
	if err := s.commits.submit(ctx, j); err != nil {
		return nil, err
	}
	return j.out, nil
}

// checkLogin rejects a login whose parts disagree on where it happens.
func checkLogin(l *store.Login) error {
	if l.WorkspaceID == "" || l.AppID == "" {
		return model.Errorf(model.CodeInvalid, "login: workspace and app are required")
	}
	for _, part := range []struct{ name, ws, app string }{
		{"session", l.Session.WorkspaceID, l.Session.AppID},
		{"attempt", l.Attempt.WorkspaceID, l.Attempt.AppID},
	} {
		if part.ws != l.WorkspaceID || part.app != l.AppID {
			return model.Errorf(model.CodeInvalid, "login: the %s's workspace and app differ from the login's", part.name)
		}
	}
	return nil
}

// splitIdentities returns the verified identities and the claims of a
// login, each (type, value) once (verified wins over claimed), with the
// defaults filled in: the login's app and key, and its time. Verified
// identities come in resolution order: uids first, then emails, then the
// other types in verify.IdentityTypes order, which also gives concurrent
// logins one lock order.
func splitIdentities(l *store.Login) (verified, claims []model.Identity) {
	if l.Anonymous {
		return nil, nil
	}
	at := l.Session.CreatedAt
	byKey := map[identityKey]int{}
	var all []model.Identity
	for _, id := range l.Identities {
		if id.AppID == "" {
			id.AppID = l.AppID
		}
		if id.SeenAt.IsZero() {
			id.SeenAt = at
		}
		if id.Verified {
			if id.KeyID == "" {
				id.KeyID = l.Session.KeyID
			}
			if id.VerifiedAt == nil {
				id.VerifiedAt = &id.SeenAt
			}
		} else {
			id.KeyID, id.VerifiedAt = "", nil
		}
		k := identityKey{id.Type, id.Value}
		if i, ok := byKey[k]; ok {
			if id.Verified || !all[i].Verified {
				all[i] = id
			}
			continue
		}
		byKey[k] = len(all)
		all = append(all, id)
	}
	for _, id := range all {
		if id.Verified {
			verified = append(verified, id)
		} else {
			claims = append(claims, id)
		}
	}
	slices.SortStableFunc(verified, func(a, b model.Identity) int {
		return cmp.Or(cmp.Compare(typeRank(a.Type), typeRank(b.Type)), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Value, b.Value))
	})
	return verified, claims
}

type identityKey struct {
	typ   verify.IdentityType
	value string
}

// typeRank orders identity types for resolution: uid, email, then the
// other known types, then unknown ones.
func typeRank(t verify.IdentityType) int {
	if i := slices.Index(verify.IdentityTypes(), t); i >= 0 {
		return i
	}
	return len(verify.IdentityTypes())
}

// login is one try of Login, inside tx.
func (s *Store) login(ctx context.Context, tx *Tx, l *store.Login, verified, claims []model.Identity) (*store.LoginOutcome, error) {
	at := l.Session.CreatedAt
	holders := make([]string, len(verified))
	for i, id := range verified {
		h, err := holder(ctx, tx, l.WorkspaceID, id.Type, id.Value)
		if err != nil {
			return nil, err
		}
		holders[i] = h
	}
	userID, err := s.resolveUser(ctx, tx, verified, holders)
	if err != nil {
		return nil, err
	}
	if l.ExactSplit {
		if err := exactSplit(ctx, tx, verified, holders); err != nil {
			return nil, err
		}
	}
	existing := userID != ""
	if !existing {
		userID = model.NewID("usr")
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (id, workspace_id, anonymous, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
			userID, l.WorkspaceID, l.Anonymous, l.Name, millis(at))
		switch {
		case err != nil && s.d.IsForeignKeyViolation(err):
			return nil, model.Errorf(model.CodeNotFound, "workspace %s not found", l.WorkspaceID)
		case err != nil:
			return nil, fmt.Errorf("create user: %w", err)
		}
	} else if l.Name != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $2 WHERE id = $1`, userID, l.Name); err != nil {
			return nil, fmt.Errorf("update user: %w", err)
		}
	}

	var conflicts []model.IdentityConflict
	var changed []identityKey
	claims = slices.Clip(claims) // appending below must not touch the caller's array, reused on a retry
	for i, id := range verified {
		if holders[i] != "" && holders[i] != userID {
			c := model.IdentityConflict{WorkspaceID: l.WorkspaceID, Type: id.Type, Value: id.Value,
				HolderID: holders[i], ClaimantID: userID, AppID: l.AppID, At: at}
			if err := s.recordConflict(ctx, tx, &c); err != nil {
				return nil, err
			}
			conflicts = append(conflicts, c)
			id.Verified, id.KeyID, id.VerifiedAt = false, "", nil
			claims = append(claims, id)
			continue
		}
		if existing {
			// An identity the user did not hold verified is newly
			// attached; one it held (holders[i] == userID) changes only
			// with its metadata.
			isNew := holders[i] == ""
			if !isNew {
				same, err := sameMetadata(ctx, tx, userID, &id)
				if err != nil {
					return nil, err
				}
				isNew = !same
			}
			if isNew {
				changed = append(changed, identityKey{id.Type, id.Value})
			}
		}
		if err := s.attachVerified(ctx, tx, l.WorkspaceID, userID, &id); err != nil {
			return nil, err
		}
	}
	for _, id := range claims {
		if err := s.attachClaim(ctx, tx, l.WorkspaceID, userID, &id); err != nil {
			return nil, err
		}
	}

	l.Session.UserID, l.Attempt.UserID = userID, userID
	if err := s.createSession(ctx, tx, &l.Session); err != nil {
		return nil, err
	}
	if err := s.insertAttempt(ctx, tx, &l.Attempt); err != nil {
		return nil, err
	}
	// Only a verified login receives an anonymous session's issues; the
	// store checks the session itself (live, anonymous, this workspace).
	handedOver := 0
	if l.HandOver != "" && l.Session.Verified && !l.Anonymous && len(verified) > 0 {
		if handedOver, err = s.handOver(ctx, tx, l.HandOver, l.WorkspaceID, userID, at); err != nil {
			return nil, err
		}
	}
	u, err := loadUser(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	var changedIDs []model.Identity
	for _, k := range changed {
		if id, ok := findIdentity(u, k); ok {
			changedIDs = append(changedIDs, id)
		}
	}
	// The key was marked used, and its row locked, by the batch (guardKeys).
	return &store.LoginOutcome{User: *u, Session: l.Session, Conflicts: conflicts, Changed: changedIDs,
		HandedOver: handedOver}, nil
}

// exactSplit enforces store.Login.ExactSplit: either nobody holds the
// login's verified identities, or one user does whose verified uid and
// email are exactly the login's.
func exactSplit(ctx context.Context, tx *Tx, verified []model.Identity, holders []string) error {
	userID := ""
	for _, h := range holders {
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
	held, err := listOf(ctx, tx, func(r scanner) (*identityKey, error) {
		var k identityKey
		return &k, r.Scan(&k.typ, &k.value)
	}, `SELECT type, value FROM identities WHERE user_id = $1 AND verified AND type IN ($2, $3)`,
		userID, verify.UID, verify.Email)
	if err != nil {
		return fmt.Errorf("the holder's uid and email: %w", err)
	}
	presented := 0
	for _, id := range verified {
		if id.Type != verify.UID && id.Type != verify.Email {
			continue
		}
		presented++
		if !slices.Contains(held, identityKey{id.Type, id.Value}) {
			return store.ErrSplitMismatch
		}
	}
	if presented != len(held) {
		return store.ErrSplitMismatch
	}
	return nil
}

// sameMetadata reports whether the user's stored identity has id's metadata.
func sameMetadata(ctx context.Context, tx *Tx, userID string, id *model.Identity) (bool, error) {
	var stored string
	err := tx.QueryRowContext(ctx, `
		SELECT metadata FROM identities WHERE user_id = $1 AND type = $2 AND value = $3`,
		userID, id.Type, id.Value).Scan(&stored)
	if err != nil {
		return false, fmt.Errorf("identity metadata: %w", err)
	}
	m, err := decodeMetadata(stored)
	if err != nil {
		return false, err
	}
	return maps.Equal(m, id.Metadata), nil
}

// findIdentity returns the user's identity of that type and value.
func findIdentity(u *model.User, k identityKey) (model.Identity, bool) {
	for _, id := range u.Identities {
		if id.Type == k.typ && id.Value == k.value {
			return id, true
		}
	}
	return model.Identity{}, false
}

// holder returns the user holding an identity verified in a workspace, or "".
func holder(ctx context.Context, q querier, workspaceID string, typ verify.IdentityType, value string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `
		SELECT user_id FROM identities WHERE workspace_id = $1 AND type = $2 AND value = $3 AND verified`,
		workspaceID, typ, value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("identity holder: %w", err)
	}
	return id, nil
}

// resolveUser names the existing user a login belongs to, or "" for a new
// one, by store.Login's rules. verified is in resolution order (uids first)
// and holders[i] holds verified[i].
func (s *Store) resolveUser(ctx context.Context, tx *Tx, verified []model.Identity, holders []string) (string, error) {
	var byUID, byOther string
	hasUID := false
	for i, id := range verified {
		switch {
		case id.Type == verify.UID:
			hasUID = true
			byUID = cmp.Or(byUID, holders[i])
		default:
			byOther = cmp.Or(byOther, holders[i])
		}
	}
	switch {
	case byUID != "":
		return byUID, nil
	case byOther == "":
		return "", nil
	case !hasUID:
		return byOther, nil
	}
	// A new uid links to the holder of the email (or other identity) only
	// if that user has no verified uid yet. Lock the user first, so that
	// two logins with different new uids cannot both link to it.
	var locked string
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE id = $1`+s.d.LockRow, byOther).Scan(&locked)
	if err != nil {
		return "", fmt.Errorf("lock user: %w", err)
	}
	hasOwnUID, err := exists(ctx, tx, `
		SELECT 1 FROM identities WHERE user_id = $1 AND type = $2 AND verified`, byOther, verify.UID)
	switch {
	case err != nil:
		return "", fmt.Errorf("user's uid: %w", err)
	case hasOwnUID:
		return "", nil
	}
	return byOther, nil
}

// attachVerified gives the user an identity, verified, refreshing what an
// earlier login stored. It reports errIdentityRace when another user came
// to hold the identity verified after this transaction looked.
func (s *Store) attachVerified(ctx context.Context, tx *Tx, workspaceID, userID string, id *model.Identity) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO identities (user_id, workspace_id, type, value, verified, metadata, app_id, key_id,
			created_at, seen_at, verified_at)
		VALUES ($1, $2, $3, $4, TRUE, $5, $6, $7, $8, $8, $9)
		ON CONFLICT (user_id, type, value) DO UPDATE SET verified = TRUE, metadata = excluded.metadata,
			app_id = excluded.app_id, key_id = excluded.key_id, seen_at = excluded.seen_at,
			verified_at = excluded.verified_at`,
		userID, workspaceID, id.Type, id.Value, encodeMetadata(id.Metadata), nullString(id.AppID),
		nullString(id.KeyID), millis(id.SeenAt), nullMillis(id.VerifiedAt))
	switch {
	case err != nil && s.d.IsUniqueViolation(err):
		return errIdentityRace
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "app %s or key %s not found", id.AppID, id.KeyID)
	case err != nil:
		return fmt.Errorf("attach identity: %w", err)
	}
	return nil
}

// attachClaim gives the user an identity as a claim. A claim never changes
// what a signature verified: on an identity the user holds verified it only
// updates when it was last seen.
func (s *Store) attachClaim(ctx context.Context, tx *Tx, workspaceID, userID string, id *model.Identity) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO identities (user_id, workspace_id, type, value, verified, metadata, app_id, key_id,
			created_at, seen_at, verified_at)
		VALUES ($1, $2, $3, $4, FALSE, $5, $6, NULL, $7, $7, NULL)
		ON CONFLICT (user_id, type, value) DO UPDATE SET seen_at = excluded.seen_at,
			metadata = CASE WHEN identities.verified THEN identities.metadata ELSE excluded.metadata END,
			app_id = CASE WHEN identities.verified THEN identities.app_id ELSE excluded.app_id END`,
		userID, workspaceID, id.Type, id.Value, encodeMetadata(id.Metadata), nullString(id.AppID), millis(id.SeenAt))
	switch {
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "app %s not found", id.AppID)
	case err != nil:
		return fmt.Errorf("attach claim: %w", err)
	}
	return nil
}

// recordConflict writes a conflict to the workspace's log.
func (s *Store) recordConflict(ctx context.Context, tx *Tx, c *model.IdentityConflict) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO identity_conflicts (workspace_id, type, value, holder_id, claimant_id, app_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.WorkspaceID, c.Type, c.Value, c.HolderID, c.ClaimantID, c.AppID, millis(c.At))
	switch {
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "app %s not found in workspace %s", c.AppID, c.WorkspaceID)
	case err != nil:
		return fmt.Errorf("record conflict: %w", err)
	}
	return nil
}

// Conflicts lists the identity conflicts recorded in a workspace, newest first.
func (s *Store) Conflicts(ctx context.Context, workspaceID string) ([]model.IdentityConflict, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT workspace_id, type, value, holder_id, claimant_id, app_id, at
		FROM identity_conflicts WHERE workspace_id = $1 ORDER BY at DESC, id DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	defer rows.Close()
	var l []model.IdentityConflict
	for rows.Next() {
		var c model.IdentityConflict
		var at int64
		if err := rows.Scan(&c.WorkspaceID, &c.Type, &c.Value, &c.HolderID, &c.ClaimantID, &c.AppID, &at); err != nil {
			return nil, fmt.Errorf("conflicts: %w", err)
		}
		c.At = fromMillis(at)
		l = append(l, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	return l, nil
}
