package model

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/signet-id/signet/verify"
)

// Workspace is one brand: its apps share users and identities.
type Workspace struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Platform is where an app runs.
type Platform string

// Platforms.
const (
	PlatformIOS     Platform = "ios"
	PlatformAndroid Platform = "android"
	PlatformWeb     Platform = "web"
)

// Enforcement is how an app treats identity verification.
type Enforcement string

// Enforcement modes (PRODUCT.md).
const (
	// EnforcementOff accepts identities and never trusts them.
	EnforcementOff Enforcement = "off"
	// EnforcementMonitor verifies and records; a failure still logs the user
	// in, unverified: the migration phase.
	EnforcementMonitor Enforcement = "monitor"
	// EnforcementEnforce lets a failure in only per the app's OnFailure.
	EnforcementEnforce Enforcement = "enforce"
)

// OnFailure is what a user who fails verification gets under enforce.
type OnFailure string

// Failure behaviours.
const (
	// OnFailureReject answers 401: the web chat's "authentication failed".
	OnFailureReject OnFailure = "reject"
	// OnFailureAnonymous logs the user in as an anonymous user: the SDK's way.
	OnFailureAnonymous OnFailure = "anonymous"
)

// App is one platform's app of a workspace, with its verification settings.
type App struct {
	ID          string         `json:"id"`
	WorkspaceID string         `json:"workspace_id"`
	Name        string         `json:"name"`
	Platform    Platform       `json:"platform"`
	Profile     verify.Profile `json:"profile"`
	Enforcement Enforcement    `json:"enforcement"`
	OnFailure   OnFailure      `json:"on_failure"`
	// FullPrivacy makes helpshift-legacy digests cover the user id only.
	FullPrivacy bool `json:"full_privacy"`
	// MaxTokenLifetime bounds exp − iat of signet tokens, in seconds.
	MaxTokenLifetime int64 `json:"max_token_lifetime"`
	// UserIDPattern, when set, is a regular expression every user id must
	// match in full; it makes helpshift-legacy's uid‖email split unambiguous.
	UserIDPattern string `json:"user_id_pattern"`
	// AudienceAlias, for pylon-jwt apps only, is a second value a token's
	// aud may name besides the app id: the Pylon widget app id a migrating
	// brand's backend already writes. Empty: the app id only.
	AudienceAlias string `json:"audience_alias"`
	// JWKSURL, for signet apps only, is where the brand publishes its
	// public keys as a JWK Set: they become the app's keys, selected by
	// kid. Empty: the app's keys are those made or uploaded here.
	JWKSURL string `json:"jwks_url,omitempty"`
	// OneTimeTokens, for signet apps only, accepts each token once: a
	// token must carry a jti, and a second use of it is replayed.
	OneTimeTokens bool      `json:"one_time_tokens"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Validate checks the app's settings.
func (a *App) Validate() error {
	switch {
	case a.Name == "" || len(a.Name) > 200:
		return Errorf(CodeInvalid, "name is required, at most 200 bytes")
	case a.Platform != PlatformIOS && a.Platform != PlatformAndroid && a.Platform != PlatformWeb:
		return Errorf(CodeInvalid, "platform must be ios, android or web")
	case a.Enforcement != EnforcementOff && a.Enforcement != EnforcementMonitor && a.Enforcement != EnforcementEnforce:
		return Errorf(CodeInvalid, "enforcement must be off, monitor or enforce")
	case a.OnFailure != OnFailureReject && a.OnFailure != OnFailureAnonymous:
		return Errorf(CodeInvalid, "on_failure must be reject or anonymous")
	case a.MaxTokenLifetime < 60 || a.MaxTokenLifetime > 86400:
		return Errorf(CodeInvalid, "max_token_lifetime must be between 60 and 86400 seconds")
	}
	if _, err := verify.ParseProfile(string(a.Profile)); err != nil {
		return Errorf(CodeInvalid, "profile: %v", err)
	}
	if _, err := a.UserIDRegexp(); err != nil {
		return err
	}
	if a.JWKSURL != "" && (a.Profile != verify.Signet || len(a.JWKSURL) > 2000) {
		return Errorf(CodeInvalid, "jwks_url is for signet apps only, at most 2000 bytes; clear it to change the profile")
	}
	if a.OneTimeTokens && a.Profile != verify.Signet {
		return Errorf(CodeInvalid, "one_time_tokens is for signet apps only (their tokens carry a jti); turn it off to change the profile")
	}
	return a.validAudienceAlias()
}

// validAudienceAlias checks AudienceAlias: for pylon-jwt apps only, at most
// 200 bytes, printable (an aud is compared byte for byte, so a stray space
// or control character would never match).
func (a *App) validAudienceAlias() error {
	switch {
	case a.AudienceAlias == "":
		return nil
	case !a.Profile.TakesAudienceAlias():
		return Errorf(CodeInvalid, "audience_alias is for pylon-jwt apps only; clear it to change the profile")
	case len(a.AudienceAlias) > 200 || !utf8.ValidString(a.AudienceAlias):
		return Errorf(CodeInvalid, "audience_alias must be valid UTF-8, at most 200 bytes")
	case strings.TrimSpace(a.AudienceAlias) != a.AudienceAlias:
		return Errorf(CodeInvalid, "audience_alias must not start or end with a space")
	}
	for _, r := range a.AudienceAlias {
		if !unicode.IsPrint(r) {
			return Errorf(CodeInvalid, "audience_alias must not hold control or invisible characters")
		}
	}
	return nil
}

// UserIDRegexp compiles UserIDPattern, anchored; nil when there is none.
func (a *App) UserIDRegexp() (*regexp.Regexp, error) {
	if a.UserIDPattern == "" {
		return nil, nil
	}
	if len(a.UserIDPattern) > 500 {
		return nil, Errorf(CodeInvalid, "user_id_pattern is longer than 500 bytes")
	}
	re, err := regexp.Compile(`^(?:` + a.UserIDPattern + `)$`)
	if err != nil {
		return nil, Errorf(CodeInvalid, "user_id_pattern is not a valid regular expression: %v", err)
	}
	return re, nil
}

// DefaultSessionLifetime is how long a session lasts unless configured.
const DefaultSessionLifetime = 30 * 24 * time.Hour

// Describe is a short label for logs.
func (a *App) String() string { return fmt.Sprintf("app %s (%s, %s)", a.ID, a.Platform, a.Profile) }
