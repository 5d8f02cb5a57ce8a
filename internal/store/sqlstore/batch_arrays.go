package sqlstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// A batch of logins on a database that takes arrays (Dialect.Arrays,
// PostgreSQL) passes its rows as one array per column, unnested by the
// statement: each statement's text is the same whatever the batch's size,
// so the driver prepares it once per connection and the database plans it
// once, where multi-row VALUES lists made a text (a prepare, a plan) per
// row count. And the batch's shared writes go in one statement, each table's
// rows in a data-modifying WITH: one round trip where there were four.

// holdersStatement reads the holders of a batch (holdersByArrays).
// identities_verified finds each holder, the primary key of identities
// (user_id first) their identities. The holder is looked up per wanted
// identity (LATERAL). LIMIT 1 (the index is unique: it changes no answer)
// keeps the planner from pulling that lookup up into a join: on a table of
// a few thousand identities and a batch of a few dozen logins, it priced a
// scan of the whole table into a hash join cheaper, which it is not on a
// table whose rows every login rewrites (each scan checks every old
// version): 186 scans in a 6-second run of signet bench, 1 in 3 batches.
// TestHoldersPlanOnSmallTable keeps it so.
const holdersStatement = `
	SELECT w.n - 1, ` + userWithIdentities + `
	FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS w (workspace_id, type, value, n)
	CROSS JOIN LATERAL (
		SELECT user_id FROM identities
		WHERE workspace_id = w.workspace_id AND type = w.type AND value = w.value AND verified
		LIMIT 1) AS h
	JOIN users u ON u.id = h.user_id
	JOIN identities i ON i.user_id = u.id
	ORDER BY w.n, i.created_at, i.type, i.value`

// holdersByArrays reads, in one statement, the holder of each wanted
// identity with all their identities: holderOf[n] is the id of wanted[n]'s
// holder ("" when nobody holds it verified), users the holders.
func (s *Store) holdersByArrays(ctx context.Context, tx *Tx, wanted []heldIdentity) ([]string, map[string]*model.User, error) {
	ws, types, values := make([]string, len(wanted)), make([]string, len(wanted)), make([]string, len(wanted))
	for n, h := range wanted {
		ws[n], types[n], values[n] = h.ws, string(h.k.typ), h.k.value
	}
	rows, err := tx.QueryContext(ctx, holdersStatement, ws, types, values)
	if err != nil {
		return nil, nil, fmt.Errorf("identity holders: %w", err)
	}
	found, groups, err := scanUserGroups(rows, true)
	if err != nil {
		return nil, nil, fmt.Errorf("identity holders: %w", err)
	}
	holderOf := make([]string, len(wanted))
	users := make(map[string]*model.User, len(found))
	for i, u := range found {
		if groups[i] < 0 || groups[i] >= len(wanted) {
			return nil, nil, fmt.Errorf("identity holders: row of identity %d, of %d asked", groups[i], len(wanted))
		}
		holderOf[groups[i]] = u.ID
		users[u.ID] = u
	}
	return holderOf, users, nil
}

// sharedByArrays writes the batch's shared rows in one statement, when its
// refreshed identities and its claims name different rows (one statement
// may not change a row twice; writeShared then takes one per table).
func (s *Store) sharedByArrays(ctx context.Context, tx *Tx, w *batchWrites) (bool, error) {
	ids, claims := lastPerIdentity(w.identities), lastPerIdentity(w.claims)
	if overlap(ids, claims) {
		return false, nil
	}
	var names struct {
		id, name []string
		signed   []bool
	}
	for _, id := range slices.Sorted(maps.Keys(w.names)) {
		names.id = append(names.id, id)
		names.name = append(names.name, w.names[id].name)
		names.signed = append(names.signed, w.names[id].signed)
	}
	var ref identityArrays
	for _, r := range ids {
		ref.add(r)
		ref.keyID = append(ref.keyID, nullable(r.id.KeyID))
		ref.verifiedAt = append(ref.verifiedAt, nullableMillis(r.id.VerifiedAt))
	}
	var cl identityArrays
	for _, r := range claims {
		cl.add(r)
	}
	var ss sessionArrays
	for _, x := range w.sessions {
		ss.add(x)
	}
	var at attemptArrays
	for _, a := range w.attempts {
		at.add(a)
	}
	args := []any{names.id, names.name, names.signed,
		ref.userID, ref.workspaceID, ref.typ, ref.value, ref.metadata, ref.appID, ref.keyID, ref.seenAt, ref.verifiedAt,
		cl.userID, cl.workspaceID, cl.typ, cl.value, cl.metadata, cl.appID, cl.seenAt,
		ss.id, ss.workspaceID, ss.appID, ss.userID, ss.tokenHash, ss.keyID, ss.verified, ss.anonymous, ss.signedFields,
		ss.deviceID, ss.appVersion, ss.createdAt, ss.expiresAt, ss.revokedAt, ss.revokeReason,
		at.id, at.workspaceID, at.appID, at.platform, at.profile, at.appVersion, at.result, at.reason, at.cause,
		at.diagnosis, at.keyID, at.userID, at.at, at.claimedUserID, at.claimedEmail}
	// Each part is what writeShared's statement for the table does; an
	// empty array writes nothing.
	_, err := tx.ExecContext(ctx, `
		WITH named AS (
			UPDATE users SET name = v.name, name_signed = v.signed
			FROM unnest($1::text[], $2::text[], $3::boolean[]) AS v (id, name, signed)
			WHERE users.id = v.id
		), refreshed AS (
			INSERT INTO identities (user_id, workspace_id, type, value, metadata, app_id, key_id, seen_at, verified_at,
				verified, created_at)
			SELECT user_id, workspace_id, type, value, metadata, app_id, key_id, seen_at, verified_at, TRUE, seen_at
			FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
				$11::bigint[], $12::bigint[])
				AS v (user_id, workspace_id, type, value, metadata, app_id, key_id, seen_at, verified_at)
			ON CONFLICT (user_id, type, value) DO UPDATE SET verified = TRUE, metadata = excluded.metadata,
				app_id = excluded.app_id, key_id = excluded.key_id, seen_at = excluded.seen_at,
				verified_at = excluded.verified_at
		), claimed AS (
			INSERT INTO identities (user_id, workspace_id, type, value, metadata, app_id, seen_at, verified, key_id,
				created_at)
			SELECT user_id, workspace_id, type, value, metadata, app_id, seen_at, FALSE, NULL, seen_at
			FROM unnest($13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[])
				AS v (user_id, workspace_id, type, value, metadata, app_id, seen_at)
			ON CONFLICT (user_id, type, value) DO UPDATE SET seen_at = excluded.seen_at,
				metadata = CASE WHEN identities.verified THEN identities.metadata ELSE excluded.metadata END,
				app_id = CASE WHEN identities.verified THEN identities.app_id ELSE excluded.app_id END
		), opened AS (
			INSERT INTO sessions (id, workspace_id, app_id, user_id, token_hash, key_id, verified, anonymous,
				signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason)
			SELECT * FROM unnest($20::text[], $21::text[], $22::text[], $23::text[], $24::bytea[], $25::text[],
				$26::boolean[], $27::boolean[], $28::text[], $29::text[], $30::text[], $31::bigint[], $32::bigint[],
				$33::bigint[], $34::text[])
		)
		INSERT INTO attempts (id, workspace_id, app_id, platform, profile, app_version, result,
			reason, cause, diagnosis, key_id, user_id, at, claimed_user_id, claimed_email)
		SELECT * FROM unnest($35::text[], $36::text[], $37::text[], $38::text[], $39::text[], $40::text[],
			$41::text[], $42::text[], $43::text[], $44::text[], $45::text[], $46::text[], $47::bigint[],
			$48::text[], $49::text[])`, args...)
	if err != nil {
		return true, fmt.Errorf("write the batch: %w", err)
	}
	return true, nil
}

// overlap reports whether two sorted lists of identity rows (lastPerIdentity)
// name a row in common.
func overlap(a, b []identityRow) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := compareIdentityRows(a[i], b[j]); {
		case c == 0:
			return true
		case c < 0:
			i++
		default:
			j++
		}
	}
	return false
}

// nullable is s as an array element: NULL when empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nullableMillis is t as an array element: NULL when nil.
func nullableMillis(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	ms := millis(*t)
	return &ms
}

// identityArrays are identity rows as one array per column.
type identityArrays struct {
	userID, workspaceID, typ, value, metadata []string
	appID, keyID                              []*string
	seenAt                                    []int64
	verifiedAt                                []*int64
}

func (c *identityArrays) add(r identityRow) {
	c.userID = append(c.userID, r.userID)
	c.workspaceID = append(c.workspaceID, r.workspaceID)
	c.typ = append(c.typ, string(r.id.Type))
	c.value = append(c.value, r.id.Value)
	c.metadata = append(c.metadata, encodeMetadata(r.id.Metadata))
	c.appID = append(c.appID, nullable(r.id.AppID))
	c.seenAt = append(c.seenAt, millis(r.id.SeenAt))
}

// sessionArrays are sessions as one array per column.
type sessionArrays struct {
	id, workspaceID, appID, userID                   []string
	tokenHash                                        [][]byte
	keyID                                            []*string
	verified, anonymous                              []bool
	signedFields, deviceID, appVersion, revokeReason []string
	createdAt, expiresAt                             []int64
	revokedAt                                        []*int64
}

func (c *sessionArrays) add(s *model.Session) {
	c.id = append(c.id, s.ID)
	c.workspaceID = append(c.workspaceID, s.WorkspaceID)
	c.appID = append(c.appID, s.AppID)
	c.userID = append(c.userID, s.UserID)
	c.tokenHash = append(c.tokenHash, s.TokenHash)
	c.keyID = append(c.keyID, nullable(s.KeyID))
	c.verified = append(c.verified, s.Verified)
	c.anonymous = append(c.anonymous, s.Anonymous)
	c.signedFields = append(c.signedFields, encodeStrings(s.SignedFields))
	c.deviceID = append(c.deviceID, s.DeviceID)
	c.appVersion = append(c.appVersion, s.AppVersion)
	c.createdAt = append(c.createdAt, millis(s.CreatedAt))
	c.expiresAt = append(c.expiresAt, millis(s.ExpiresAt))
	c.revokedAt = append(c.revokedAt, nullableMillis(s.RevokedAt))
	c.revokeReason = append(c.revokeReason, s.RevokeReason)
}

// attemptArrays are verification-log entries as one array per column.
type attemptArrays struct {
	id, workspaceID, appID, platform, profile, appVersion, result []string
	reason, cause, diagnosis, keyID                               []string
	userID                                                        []*string
	at                                                            []int64
	claimedUserID, claimedEmail                                   []string
}

func (c *attemptArrays) add(a *model.Attempt) {
	c.id = append(c.id, a.ID)
	c.workspaceID = append(c.workspaceID, a.WorkspaceID)
	c.appID = append(c.appID, a.AppID)
	c.platform = append(c.platform, string(a.Platform))
	c.profile = append(c.profile, string(a.Profile))
	c.appVersion = append(c.appVersion, a.AppVersion)
	c.result = append(c.result, string(a.Result))
	c.reason = append(c.reason, string(a.Reason))
	c.cause = append(c.cause, string(a.Cause))
	c.diagnosis = append(c.diagnosis, a.Diagnosis)
	c.keyID = append(c.keyID, a.KeyID)
	c.userID = append(c.userID, nullable(a.UserID))
	c.at = append(c.at, millis(a.At))
	c.claimedUserID = append(c.claimedUserID, a.ClaimedUserID)
	c.claimedEmail = append(c.claimedEmail, a.ClaimedEmail)
}
