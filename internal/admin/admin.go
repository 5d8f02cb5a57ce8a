// Package admin is the administration of a Signet instance: workspaces,
// apps, keys, API tokens and accounts, and what admins and agents read
// about a workspace (users, sessions, the verification and audit logs).
//
// Every method takes the model.Actor asking and checks it may
// (Actor.CanAdminister, Actor.CanSee). What an actor may not see is
// not_found, never forbidden: existence never leaks across workspaces.
// Every change is written with its audit entry in one transaction.
// The HTTP API (internal/httpapi) and the dashboard (internal/web) both
// call this service; neither reaches the store for these things.
package admin

import (
	"context"
	"log/slog"
	"time"

	"github.com/signet-id/signet/internal/jwks"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
)

// Service administers the instance.
type Service struct {
	store store.Store
	box   *secretbox.Box
	now   func() time.Time
	log   *slog.Logger
	jwks  *jwks.Fetcher // nil: JWKS URLs are refused
}

// New returns the service over st, sealing keys with box. now nil means
// time.Now; log nil discards.
func New(st store.Store, box *secretbox.Box, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, box: box, now: now, log: log}
}

// NotFound is the error for what the actor may not see: existence never leaks.
func NotFound(what string) error { return model.Errorf(model.CodeNotFound, "no such %s", what) }

// errSettings is the answer to an agent reaching for keys or settings.
func errSettings() error {
	return model.Errorf(model.CodeForbidden, "agents cannot see or change keys or settings")
}

// orNotFound turns the store's not_found into NotFound(what).
func orNotFound(err error, what string) error {
	if model.ErrorCode(err) == model.CodeNotFound {
		return NotFound(what)
	}
	return err
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// listIn lists what list returns for a workspace the actor administers.
func listIn[T any](ctx context.Context, s *Service, actor *model.Actor, workspaceID string,
	list func(ctx context.Context, workspaceID string) ([]T, error)) ([]T, error) {
	ws, err := s.AdminWorkspace(ctx, actor, workspaceID)
	if err != nil {
		return nil, err
	}
	l, err := list(ctx, ws.ID)
	return nonNil(l), err
}
