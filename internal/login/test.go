package login

import (
	"context"
	"errors"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// TestResult is the verdict on a proof tested against an app's setup.
type TestResult struct {
	Valid bool
	// Reason, Cause and Diagnosis explain a failure (Cause and Diagnosis
	// only when the doctor knows more than the reason).
	Reason    verify.Reason
	Cause     verify.Cause
	Message   string
	Diagnosis string
	// KeyID names the key that verified a valid proof.
	KeyID string
	// Identities are those the signature covers, exactly as signed.
	Identities []verify.Identity
}

// Test checks a proof the way Login does — the app's keys and settings, its
// user-id pattern, the helpshift-legacy split check, and the doctor with the
// workspace's other keys and the app id as candidates — but creates no
// session, writes no verification-log entry and counts no failure: it is the
// brand developer's "why does my signature fail" tool, for admins only.
func (s *Service) Test(ctx context.Context, app *model.App, r Request) (*TestResult, error) {
	if err := checkRequest(&r); err != nil {
		return nil, err
	}
	now := s.now()
	stored, err := s.Store.AppKeys(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	v, err := s.newVerifier(app, stored, now)
	if err != nil {
		return nil, err
	}
	req := verify.Request{UserID: r.UserID, Email: r.Email, Digest: r.UserHash, Token: r.IdentityToken}
	got, verr := v.Verify(req)
	if verr == nil {
		verr = checkUserIDPattern(app, got)
	}
	var split *verify.Error
	if verr == nil {
		if split, err = s.checkLegacySplit(ctx, app, got); err != nil {
			return nil, err
		} else if split != nil {
			verr = split
		}
	}
	if verr == nil {
		return &TestResult{Valid: true, KeyID: got.KeyID, Identities: got.Identities,
			Message: "the proof is valid: it was signed with key " + got.KeyID + " of this app for these identities"}, nil
	}
	var ve *verify.Error
	if !errors.As(verr, &ve) {
		return nil, verr
	}
	out := &TestResult{Reason: ve.Reason, Message: ve.Message}
	cands, err := s.candidates(ctx, app)
	if err != nil {
		return nil, err
	}
	if d, ok := v.Diagnose(req, verr, cands); ok {
		out.Cause, out.Diagnosis = d.Cause, d.Message
	}
	return out, nil
}
