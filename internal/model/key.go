package model

import "time"

// Key is one secret of an app. The secret itself is stored sealed
// (AES-GCM under the master key) and leaves Signet only once, when created.
type Key struct {
	ID          string `json:"id"`
	AppID       string `json:"app_id"`
	WorkspaceID string `json:"workspace_id"`
	// Sealed is the secret encrypted at rest; never serialised.
	Sealed []byte `json:"-"`
	// Algorithm is what the key verifies under, and nothing else: HS256
	// for a shared secret; ES256, EdDSA or RS256 for a public key (whose
	// PEM is what Sealed holds).
	Algorithm string `json:"algorithm"`
	// Kid, for a key of the app's JWKS, is the kid the set lists it under
	// (tokens name it so); empty for other keys, which tokens name by ID.
	Kid string `json:"kid,omitempty"`
	// Imported is true for a brand's existing vendor secret.
	Imported bool `json:"imported"`
	// Weak marks an imported secret that is short or easy to guess
	// (keyring.Weak), accepted only because the admin forced it: the
	// dashboard keeps warning until it is rotated.
	Weak bool `json:"weak"`
	// Fingerprint is a short, non-reversible id of the secret (the first
	// bytes of HMAC-SHA256 of the secret under a key derived from the master
	// key: keyring.Fingerprint), shown so an admin can tell keys apart
	// without seeing them.
	Fingerprint string `json:"fingerprint"`
	// Material is a keyed digest of the key bytes its profile uses (under a
	// key derived from the master key; keyring.Material), never shown: the
	// store refuses a material already serving another profile in the
	// workspace. Nil on keys read back, and on keys made before the rule
	// was held by the database.
	Material  []byte    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// RetiresAt, when set, ends the key's grace period: it verifies until then.
	RetiresAt *time.Time `json:"retires_at,omitempty"`
	// RevokedAt, when set, is when the key stopped verifying at once.
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// IsPublicKey reports whether the key is a public key (it holds no secret).
func (k *Key) IsPublicKey() bool { return k.Algorithm != "" && k.Algorithm != "HS256" }

// Published reports whether the key came from the app's JWKS.
func (k *Key) Published() bool { return k.Kid != "" }

// JWKSFetch is the outcome of the last fetch of an app's JWKS, shown on
// the app's page.
type JWKSFetch struct {
	AppID string `json:"app_id"`
	URL   string `json:"url"`
	// FetchedAt is the last successful fetch; nil if none succeeded.
	FetchedAt *time.Time `json:"fetched_at,omitempty"`
	// CheckedAt is the last try.
	CheckedAt time.Time `json:"checked_at"`
	// Error is why the last try failed; empty when it succeeded.
	Error string `json:"error,omitempty"`
	// Failures counts the tries that failed in a row.
	Failures int `json:"failures"`
	// KeyCount is how many keys the last good set listed.
	KeyCount int `json:"key_count"`
}

// KeyState is a key's state at an instant.
type KeyState string

// Key states.
const (
	KeyActive   KeyState = "active"
	KeyRetiring KeyState = "retiring" // retired, still inside its grace period
	KeyRetired  KeyState = "retired"  // grace period over: no longer verifies
	KeyRevoked  KeyState = "revoked"
)

// State returns the key's state at now.
func (k *Key) State(now time.Time) KeyState {
	switch {
	case k.RevokedAt != nil:
		return KeyRevoked
	case k.RetiresAt != nil && !now.Before(*k.RetiresAt):
		return KeyRetired
	case k.RetiresAt != nil:
		return KeyRetiring
	}
	return KeyActive
}

// Verifies reports whether the key verifies proofs at now.
func (k *Key) Verifies(now time.Time) bool {
	s := k.State(now)
	return s == KeyActive || s == KeyRetiring
}
