package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

const identityColumns = `user_id, type, value, verified, metadata, COALESCE(app_id, ''), COALESCE(key_id, ''),
	seen_at, verified_at`

// User returns one user with all their identities; not_found.
func (s *Store) User(ctx context.Context, id string) (*model.User, error) {
	u, err := loadUser(ctx, s.reader, id)
	if err != nil {
		return nil, wrap("user", err)
	}
	return u, nil
}

// VerifiedUser returns the user who holds an identity verified in a
// workspace, through the index on verified identities; not_found.
func (s *Store) VerifiedUser(ctx context.Context, workspaceID string, typ verify.IdentityType, value string) (*model.User, error) {
	// One query (it runs on every returning login): the holder found by
	// the index on verified identities, joined with the holder's identities.
	rows, err := s.reader.QueryContext(ctx, `
		SELECT `+userWithIdentities+`
		FROM identities h JOIN users u ON u.id = h.user_id JOIN identities i ON i.user_id = u.id
		WHERE h.workspace_id = $1 AND h.type = $2 AND h.value = $3 AND h.verified
		ORDER BY i.created_at, i.type, i.value`, workspaceID, typ, value)
	if err != nil {
		return nil, wrap("verified user", err)
	}
	users, err := scanUsers(rows)
	if err != nil {
		return nil, wrap("verified user", err)
	}
	if len(users) == 0 {
		return nil, model.Errorf(model.CodeNotFound, "no user holds this identity verified")
	}
	return users[0], nil
}

// userWithIdentities are the columns scanUsers reads: a user (u) joined
// with each of their identities (i).
const userWithIdentities = `u.id, u.workspace_id, u.anonymous, u.name, u.name_signed, u.created_at,
	i.type, i.value, i.verified, i.metadata, COALESCE(i.app_id, ''), COALESCE(i.key_id, ''), i.seen_at, i.verified_at`

// scanUsers reads rows of userWithIdentities, each user's rows together,
// into users with their identities in the rows' order; it closes rows.
func scanUsers(rows *sql.Rows) ([]*model.User, error) {
	users, _, err := scanUserGroups(rows, false)
	return users, err
}

// scanUserGroups is scanUsers where, when numbered, each row starts with
// the number of a group of rows, one user's: a new number starts a new
// user, even the same one again. It returns each user's number too.
func scanUserGroups(rows *sql.Rows, numbered bool) ([]*model.User, []int, error) {
	defer rows.Close()
	var users []*model.User
	var groups []int
	for rows.Next() {
		var u model.User
		var id model.Identity
		var created, seen int64
		var metadata string
		var verifiedAt sql.NullInt64
		group := -1
		dest := []any{&u.ID, &u.WorkspaceID, &u.Anonymous, &u.Name, &u.NameSigned, &created,
			&id.Type, &id.Value, &id.Verified, &metadata, &id.AppID, &id.KeyID, &seen, &verifiedAt}
		if numbered {
			dest = append([]any{&group}, dest...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		var err error
		if id.Metadata, err = decodeMetadata(metadata); err != nil {
			return nil, nil, err
		}
		id.SeenAt, id.VerifiedAt = fromMillis(seen), timePtr(verifiedAt)
		if n := len(users); n == 0 || users[n-1].ID != u.ID || groups[n-1] != group {
			u.CreatedAt = fromMillis(created)
			u.Identities = []model.Identity{}
			users = append(users, &u)
			groups = append(groups, group)
		}
		last := users[len(users)-1]
		last.Identities = append(last.Identities, id)
	}
	return users, groups, rows.Err()
}

// loadUser reads a user and their identities through q (the reader pool,
// or a transaction that just wrote them).
func loadUser(ctx context.Context, q querier, id string) (*model.User, error) {
	var u model.User
	var created int64
	err := q.QueryRowContext(ctx, `
		SELECT id, workspace_id, anonymous, name, name_signed, created_at FROM users WHERE id = $1`, id).
		Scan(&u.ID, &u.WorkspaceID, &u.Anonymous, &u.Name, &u.NameSigned, &created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "user %s not found", id)
	case err != nil:
		return nil, err
	}
	u.CreatedAt = fromMillis(created)
	ids, err := identities(ctx, q, `SELECT `+identityColumns+` FROM identities WHERE user_id = $1
		ORDER BY created_at, type, value`, id)
	if err != nil {
		return nil, err
	}
	u.Identities = orEmpty(ids[u.ID])
	return &u, nil
}

// Users lists a workspace's users with their identities, newest first.
func (s *Store) Users(ctx context.Context, workspaceID string, f model.UserFilter) ([]model.User, error) {
	var w filter
	w.where("u.workspace_id = " + w.arg(workspaceID))
	if f.Identity != "" {
		w.where("u.id IN (SELECT user_id FROM identities WHERE workspace_id = " + w.arg(workspaceID) +
			" AND value = " + w.arg(f.Identity) + ")")
	}
	if f.Before != "" {
		w.where("(u.created_at, u.id) < (SELECT created_at, id FROM users WHERE id = " + w.arg(f.Before) + ")")
	}
	// The same selection feeds both queries: the users, then their identities.
	selection := ` FROM users u` + w.sql() + ` ORDER BY u.created_at DESC, u.id DESC` + w.limit(f.Limit)

	rows, err := s.reader.QueryContext(ctx, `SELECT u.id, u.workspace_id, u.anonymous, u.name, u.name_signed, u.created_at`+selection, w.args...)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var l []model.User
	for rows.Next() {
		var u model.User
		var created int64
		if err := rows.Scan(&u.ID, &u.WorkspaceID, &u.Anonymous, &u.Name, &u.NameSigned, &created); err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		u.CreatedAt = fromMillis(created)
		l = append(l, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	if len(l) == 0 {
		return nil, nil
	}
	ids, err := identities(ctx, s.reader, `SELECT `+identityColumns+` FROM identities
		WHERE user_id IN (SELECT u.id`+selection+`) ORDER BY created_at, type, value`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	for i := range l {
		l[i].Identities = orEmpty(ids[l[i].ID])
	}
	return l, nil
}

// identities runs a query over identityColumns and groups them by user.
func identities(ctx context.Context, q querier, query string, args ...any) (map[string][]model.Identity, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("identities: %w", err)
	}
	defer rows.Close()
	m := map[string][]model.Identity{}
	for rows.Next() {
		var userID, metadata string
		var id model.Identity
		var seen int64
		var verifiedAt sql.NullInt64
		err := rows.Scan(&userID, &id.Type, &id.Value, &id.Verified, &metadata, &id.AppID, &id.KeyID, &seen, &verifiedAt)
		if err != nil {
			return nil, fmt.Errorf("identities: %w", err)
		}
		if id.Metadata, err = decodeMetadata(metadata); err != nil {
			return nil, err
		}
		id.SeenAt, id.VerifiedAt = fromMillis(seen), timePtr(verifiedAt)
		m[userID] = append(m[userID], id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("identities: %w", err)
	}
	return m, nil
}

// orEmpty makes a user without identities list none rather than null.
func orEmpty(l []model.Identity) []model.Identity {
	if l == nil {
		return []model.Identity{}
	}
	return l
}
