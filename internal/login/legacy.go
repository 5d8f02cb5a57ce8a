package login

import (
	"context"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// The helpshift-legacy ambiguity (profiles.md): the digest covers uid‖email
// with no separator, so one digest proves every split of one string — uid
// "12" + email "3a@b.co", uid "123" + email "a@b.co", email "123a@b.co"
// alone… A brand's user who picks their email can present their own digest
// as another split, one whose uid (or email) is verified for someone else.
//
// So a legacy login may join an existing user only if that user's verified
// uid and email identities are exactly the ones the login presents: a
// returning user presents the split it always did. A login whose uid or
// email is verified for a user with another split fails with
// identity_mismatch (and the app's failure behaviour applies), with a
// diagnosis for the brand's admins. This also refuses a real user whose
// email changed at the brand: the proof cannot tell the two apart.
//
// Full privacy (the digest covers the uid only) has no ambiguity. A user-id
// pattern turns the check off for a login that sends both fields only when
// it leaves exactly one split of that login's text: "[0-9]+" does not for
// uid 12 + email 3a@b.co (the brand's user picks the email), "[0-9]{8}"
// does. A login that sends one field is always checked: any brand user
// whose uid‖email spells it holds the same digest.

// legacySplitMessage is what the brand's admins read in the verification log.
const legacySplitMessage = "helpshift-legacy signs the user id and the email with no separator, so this digest also fits " +
	"other splits of the same text; a user id or email it presents is verified for a user who does not hold exactly this " +
	"user id and this email, so Signet does not log it in as that user. If the user's email changed, set a user-id " +
	"pattern or full privacy for the app, or move it to the signet profile"

// checkLegacySplit returns an identity_mismatch failure for a
// helpshift-legacy login that would take over another user's verified
// identity; err is a store failure.
func (s *Service) checkLegacySplit(ctx context.Context, app *model.App, got *verify.Verified) (*verify.Error, error) {
	if !legacySplits(app, got) {
		return nil, nil
	}
	var holder *model.User
	for _, id := range got.Identities {
		u, err := s.Store.VerifiedUser(ctx, app.WorkspaceID, id.Type, id.Value)
		switch {
		case model.ErrorCode(err) == model.CodeNotFound:
			continue
		case err != nil:
			return nil, err
		case holder != nil && holder.ID != u.ID:
			return &verify.Error{Reason: verify.ReasonIdentityMismatch, Message: legacySplitMessage}, nil
		}
		holder = u
	}
	if holder == nil {
		return nil, nil // nobody holds them: a new user
	}
	held := 0
	for _, h := range holder.Identities {
		if !h.Verified || h.Type != verify.UID && h.Type != verify.Email {
			continue
		}
		held++
		found := false
		for _, id := range got.Identities {
			found = found || id.Type == h.Type && id.Value == h.Value
		}
		if !found {
			return &verify.Error{Reason: verify.ReasonIdentityMismatch, Message: legacySplitMessage}, nil
		}
	}
	if held != len(got.Identities) {
		return &verify.Error{Reason: verify.ReasonIdentityMismatch, Message: legacySplitMessage}, nil
	}
	return nil, nil
}

// legacySplits reports whether a verified login's digest fits other splits
// of its text: then it may join only a user who holds exactly its uid and
// email, checked here before the login and again inside its transaction
// (store.Login.ExactSplit), which a concurrent first login cannot slip past.
func legacySplits(app *model.App, got *verify.Verified) bool {
	d := app.Profile.Description()
	return d != nil && d.SplitAmbiguous && !app.FullPrivacy && !oneSplit(app, got)
}

// oneSplit reports whether the app's user-id pattern leaves one way only to
// cut the text a two-field login signs into a user id and an email.
func oneSplit(app *model.App, got *verify.Verified) bool {
	re, err := app.UserIDRegexp()
	if err != nil || re == nil || len(got.Identities) != 2 {
		return false
	}
	msg := got.Identities[0].Value + got.Identities[1].Value // uid first (verify.DigestMessage)
	n := 0
	for k := 1; k < len(msg); k++ {
		if re.MatchString(msg[:k]) {
			if n++; n > 1 {
				return false
			}
		}
	}
	return n == 1
}
