package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-id/signet/internal/model"
)

// CreateWorkspace stores w, and audit in the same transaction when it is
// not nil; conflict if its id is taken.
func (s *Store) CreateWorkspace(ctx context.Context, w *model.Workspace, audit *model.AuditEntry) error {
	return wrap("create workspace", s.audited(ctx, audit, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)`,
			w.ID, w.Name, millis(w.CreatedAt))
		if err != nil && s.d.IsUniqueViolation(err) {
			return model.Errorf(model.CodeConflict, "workspace %s already exists", w.ID)
		}
		return err
	}))
}

// Workspace returns one workspace; not_found.
func (s *Store) Workspace(ctx context.Context, id string) (*model.Workspace, error) {
	w, err := scanWorkspace(s.reader.QueryRowContext(ctx, `
		SELECT id, name, created_at FROM workspaces WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "workspace %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("workspace: %w", err)
	}
	return w, nil
}

// Workspaces lists all workspaces, oldest first.
func (s *Store) Workspaces(ctx context.Context) ([]model.Workspace, error) {
	l, err := listOf(ctx, s.reader, scanWorkspace, `
		SELECT id, name, created_at FROM workspaces ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("workspaces: %w", err)
	}
	return l, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanWorkspace(sc scanner) (*model.Workspace, error) {
	var w model.Workspace
	var created int64
	if err := sc.Scan(&w.ID, &w.Name, &created); err != nil {
		return nil, err
	}
	w.CreatedAt = fromMillis(created)
	return &w, nil
}
