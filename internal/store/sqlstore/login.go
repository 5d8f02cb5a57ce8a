package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	if l.Resolve == nil {
		return model.Errorf(model.CodeInvalid, "login: no resolution rule (store.Login.Resolve)")
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

// login is one try of Login, inside tx: it reads the facts the login's
// resolution depends on, runs store.Login.Resolve, and writes its answer.
func (s *Store) login(ctx context.Context, tx *Tx, l *store.Login, verified, claims []model.Identity) (*store.LoginOutcome, error) {
	at := l.Session.CreatedAt
	facts, err := s.loginFacts(ctx, tx, l, verified, claims)
	if err != nil {
		return nil, err
	}
	res, err := l.Resolve(facts)
	if err != nil {
		return nil, err
	}
	userID := res.UserID
	if userID == "" {
		userID = model.NewID("usr")
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (id, workspace_id, anonymous, name, name_signed, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			userID, l.WorkspaceID, l.Anonymous, l.Name, l.Name != "" && l.NameSigned, millis(at))
		switch {
		case err != nil && s.d.IsForeignKeyViolation(err):
			return nil, model.Errorf(model.CodeNotFound, "workspace %s not found", l.WorkspaceID)
		case err != nil:
			return nil, fmt.Errorf("create user: %w", err)
		}
	} else if l.Name != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $2, name_signed = $3 WHERE id = $1`, userID, l.Name, l.NameSigned); err != nil {
			return nil, fmt.Errorf("update user: %w", err)
		}
	}
	conflicts := make([]model.IdentityConflict, 0, len(res.Conflicts))
	for _, c := range res.Conflicts {
		c.WorkspaceID, c.ClaimantID, c.AppID, c.At = l.WorkspaceID, userID, l.AppID, at
		if err := s.recordConflict(ctx, tx, &c); err != nil {
			return nil, err
		}
		conflicts = append(conflicts, c)
	}
	for _, id := range res.Attach {
		if err := s.attachVerified(ctx, tx, l.WorkspaceID, userID, &id); err != nil {
			return nil, err
		}
	}
	for _, id := range res.Claims {
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
	var changed []model.Identity
	for _, c := range res.Changed {
		if id, ok := findIdentity(u, identityKey{c.Type, c.Value}); ok {
			changed = append(changed, id)
		}
	}
	if len(conflicts) == 0 {
		conflicts = nil
	}
	// The key was marked used, and its row locked, by the batch (guardKeys).
	return &store.LoginOutcome{User: *u, Session: l.Session, Conflicts: conflicts, Changed: changed,
		HandedOver: handedOver}, nil
}

// loginFacts reads, inside tx, who holds each of the login's verified
// identities and what each holder holds verified. When the login brings a
// verified uid nobody holds while another of its identities is held, it
// first locks the holders' rows: the resolution may link the new uid to
// one of them only if that user has no uid yet, and two logins with
// different new uids must not both see "no uid yet".
func (s *Store) loginFacts(ctx context.Context, tx *Tx, l *store.Login, verified, claims []model.Identity) (*store.LoginFacts, error) {
	f := &store.LoginFacts{Verified: verified, Claims: claims, Holders: make([]string, len(verified)),
		ExactSplit: l.ExactSplit}
	newUID := false
	for i, id := range verified {
		h, err := holder(ctx, tx, l.WorkspaceID, id.Type, id.Value)
		if err != nil {
			return nil, err
		}
		f.Holders[i] = h
		newUID = newUID || (id.Type == verify.UID && h == "")
	}
	held := slices.Compact(slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(f.Holders),
		func(h string) bool { return h == "" }))))
	f.Held = make(map[string][]model.Identity, len(held))
	for _, userID := range held { // sorted: one lock order for every login
		if newUID && s.d.LockRow != "" {
			var locked string
			if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE id = $1`+s.d.LockRow, userID).Scan(&locked); err != nil {
				return nil, fmt.Errorf("lock user: %w", err)
			}
		}
		ids, err := heldVerified(ctx, tx, userID)
		if err != nil {
			return nil, err
		}
		f.Held[userID] = ids
	}
	return f, nil
}

// heldVerified returns the identities a user holds verified.
func heldVerified(ctx context.Context, q querier, userID string) ([]model.Identity, error) {
	ids, err := listOf(ctx, q, func(r scanner) (*model.Identity, error) {
		id := model.Identity{Verified: true}
		var metadata string
		if err := r.Scan(&id.Type, &id.Value, &metadata); err != nil {
			return nil, err
		}
		m, err := decodeMetadata(metadata)
		id.Metadata = m
		return &id, err
	}, `SELECT type, value, metadata FROM identities WHERE user_id = $1 AND verified`, userID)
	if err != nil {
		return nil, fmt.Errorf("the holder's identities: %w", err)
	}
	return ids, nil
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
