package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-id/signet/internal/model"
)

const appColumns = `id, workspace_id, name, platform, profile, enforcement, on_failure,
	full_privacy, max_token_lifetime, user_id_pattern, audience_alias, created_at, updated_at, jwks_url,
	one_time_tokens`

// CreateApp stores a, and audit in the same transaction when it is not
// nil; not_found if its workspace does not exist, conflict if its id is
// taken.
func (s *Store) CreateApp(ctx context.Context, a *model.App, audit *model.AuditEntry) error {
	return wrap("create app", s.audited(ctx, audit, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO apps (`+appColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			a.ID, a.WorkspaceID, a.Name, a.Platform, a.Profile, a.Enforcement, a.OnFailure,
			a.FullPrivacy, a.MaxTokenLifetime, a.UserIDPattern, a.AudienceAlias, millis(a.CreatedAt), millis(a.UpdatedAt), a.JWKSURL,
			a.OneTimeTokens)
		switch {
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "workspace %s not found", a.WorkspaceID)
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "app %s already exists", a.ID)
		}
		return err
	}))
}

// App returns one app; not_found.
func (s *Store) App(ctx context.Context, id string) (*model.App, error) {
	a, err := scanApp(s.reader.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "app %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("app: %w", err)
	}
	return a, nil
}

// Apps lists a workspace's apps, oldest first.
func (s *Store) Apps(ctx context.Context, workspaceID string) ([]model.App, error) {
	l, err := listOf(ctx, s.reader, scanApp, `
		SELECT `+appColumns+` FROM apps WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("apps: %w", err)
	}
	return l, nil
}

// UpdateApp saves a's settings (every field but ID, WorkspaceID,
// CreatedAt), and audit in the same transaction when it is not nil;
// not_found.
func (s *Store) UpdateApp(ctx context.Context, a *model.App, audit *model.AuditEntry) error {
	return wrap("update app", s.audited(ctx, audit, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE apps SET name = $2, platform = $3, profile = $4, enforcement = $5, on_failure = $6,
				full_privacy = $7, max_token_lifetime = $8, user_id_pattern = $9, audience_alias = $10, updated_at = $11,
				jwks_url = $12, one_time_tokens = $13
			WHERE id = $1`,
			a.ID, a.Name, a.Platform, a.Profile, a.Enforcement, a.OnFailure,
			a.FullPrivacy, a.MaxTokenLifetime, a.UserIDPattern, a.AudienceAlias, millis(a.UpdatedAt), a.JWKSURL, a.OneTimeTokens))
		switch {
		case err != nil:
			return err
		case n == 0:
			return model.Errorf(model.CodeNotFound, "app %s not found", a.ID)
		}
		return nil
	}))
}

func scanApp(sc scanner) (*model.App, error) {
	var a model.App
	var created, updated int64
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.Name, &a.Platform, &a.Profile, &a.Enforcement, &a.OnFailure,
		&a.FullPrivacy, &a.MaxTokenLifetime, &a.UserIDPattern, &a.AudienceAlias, &created, &updated, &a.JWKSURL,
		&a.OneTimeTokens)
	if err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &a, nil
}
