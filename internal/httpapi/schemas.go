package httpapi

import (
	"fmt"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/staff"
	"github.com/signet-id/signet/internal/webhook"
	"github.com/signet-id/signet/verify"
)

// The prose of openapi.json, beside what the generator reads from the Go
// types (openapi_gen.go): each schema names its Go type, and documents its
// fields by their JSON names; a field documented that the type lacks fails
// the generation.

// schemaDefs are the component schemas, in the order they are listed.
var schemaDefs = []schemaDef{
	{
		Name: "ErrorCode", Type: typeOf[model.Code](),
		Doc: "A stable error code. Program against the code, never the message. The verification reason codes (malformed … key_revoked) answer a login refused by identity verification (401); see profiles.md.\n\n" +
			"- `invalid_request`: A field is missing or wrong; the message names it.\n- `invalid_json`: The body is not the JSON expected: not JSON, empty, not an object, a field of the wrong type, or a Content-Type other than application/json or text/plain.\n- `unknown_field`: The body has a field this endpoint does not take (often a typo).\n- `body_too_large`: The body is over 64 KiB.\n- `not_found`: No such thing, or it is not yours to see: Signet never says which.\n- `method_not_allowed`: The path exists, but not with this method; the Allow header lists the methods it takes. Answered 405.\n- `conflict`: It already exists, or its state forbids the change.\n- `unauthenticated`: No credentials, or unknown or revoked ones.\n- `forbidden`: Valid credentials that may not do this (an agent token on a key or setting, for instance).\n- `session_expired`: The SDK session ran out: log in again with a freshly signed identity.\n- `session_revoked`: The SDK session was ended (logout, an admin, a revoked key): log in again.\n- `rate_limited`: Too many attempts: wait for the number of seconds in Retry-After.\n- `weak_secret`: An imported secret is shorter than 16 bytes or easy to guess; send \"force\": true to import it anyway.\n- `internal`: A fault of Signet's; the details are in the server's log only.\n- `unavailable`: Signet is shutting down or its database is unreachable; retry on another node or later.\n- verification reasons: `malformed`, `too_large`, `algorithm_not_allowed`, `header_not_allowed`, `signature_mismatch`, `claim_invalid`, `expired`, `not_yet_valid`, `issued_in_future`, `issued_too_long_ago`, `lifetime_too_long`, `audience_mismatch`, `identity_required`, `unknown_identity_type`, `identity_mismatch`, `replayed`, `key_unknown`, `key_revoked`.",
		Enum: append(strs(model.CodeInvalid, model.CodeInvalidJSON, model.CodeUnknownField, model.CodeTooLarge, model.CodeNotFound, model.CodeMethodNotAllowed, model.CodeConflict, model.CodeUnauthenticated, model.CodeForbidden, model.CodeSessionExpired, model.CodeSessionRevoked, model.CodeRateLimited, model.CodeWeakSecret, model.CodeInternal, model.CodeUnavailable), strs(verify.Reasons()...)...),
	},
	{
		Name: "Error", Type: typeOf[errorBody](),
		Doc: "Every error, everywhere: an HTTP status and this body.",
		Props: map[string]prop{
			"error": {Extra: `{"properties":{"message":{"description":"What went wrong, for a developer to read. Never contains a secret, digest or token."}}}`},
		},
		Extra: `{"examples":[{"error":{"code":"not_found","message":"no such app"}}]}`,
	},
	{
		Name: "VerificationReason", Type: typeOf[verify.Reason](),
		Doc:  "Why a verification failed (profiles.md).",
		Enum: strs(verify.Reasons()...),
	},
	{
		Name: "VerificationCause", Type: typeOf[verify.Cause](),
		Doc:  "The doctor's finding: why a signature did not match (profiles.md). Shown to the brand's admins only, never to end users. algorithm_mismatch: the token's alg is not the algorithm of the key its kid names; key_not_published: the token is signed with a key the app's JWKS does not (or no longer) list.",
		Enum: strs(verify.CauseWrongMessage, verify.CauseWrongEncoding, verify.CauseSecretEncoding, verify.CauseMilliseconds, verify.CauseClockSkew, verify.CauseOtherKey, verify.CauseNotTheSecret, verify.CauseAlgorithmMismatch, verify.CauseKeyNotPublished, verify.CauseUnknown),
	},
	{
		Name: "Profile", Type: typeOf[verify.Profile](),
		Doc:  profileDoc(),
		Enum: strs(verify.Profiles()...),
	},
	{
		Name: "Platform", Type: typeOf[model.Platform](),
		Doc:  "Where the app runs.",
		Enum: strs(model.PlatformIOS, model.PlatformAndroid, model.PlatformWeb),
	},
	{
		Name: "Enforcement", Type: typeOf[model.Enforcement](),
		Doc:  "How the app treats identity verification: `off` accepts identities and never trusts them; `monitor` verifies and records, and a failure still logs the user in, unverified (the migration phase); `enforce` applies on_failure to a failure.",
		Enum: strs(model.EnforcementOff, model.EnforcementMonitor, model.EnforcementEnforce),
	},
	{
		Name: "OnFailure", Type: typeOf[model.OnFailure](),
		Doc:  "Under `enforce`, what a user who fails verification gets: `reject` answers 401 with the reason (the web widget shows \"authentication failed\"); `anonymous` logs them in as an anonymous user (the mobile SDK's way).",
		Enum: strs(model.OnFailureReject, model.OnFailureAnonymous),
	},
	{
		Name: "Role", Type: typeOf[model.Role](),
		Doc:  "`owner`: the instance's operator, every workspace; `admin`: one workspace's apps, keys, settings, tokens and accounts; `agent`: one workspace's users, never keys or settings. `metrics` (a token only): reads `GET /metrics`, nothing else.",
		Enum: strs(model.RoleOwner, model.RoleAdmin, model.RoleAgent, model.RoleMetrics),
	},
	{
		Name: "IdentityType", Type: typeOf[verify.IdentityType](),
		Doc:  "The kind of an identity (the Helpshift User Hub's twelve types).",
		Enum: strs(verify.IdentityTypes()...),
	},
	{
		Name: "KeyState", Type: typeOf[model.KeyState](),
		Doc:  "`active` verifies; `retiring` was retired and still verifies until retires_at; `retired` no longer verifies (grace over); `revoked` stopped verifying at once.",
		Enum: strs(model.KeyActive, model.KeyRetiring, model.KeyRetired, model.KeyRevoked),
	},
	{
		Name: "LoginResult", Type: typeOf[model.LoginResult](),
		Doc:  "How a login attempt ended: `verified` (signature checked), `unverified` (let in without trust: enforcement off, or a monitor failure), `anonymous` (no identity, or a failure on an app whose on_failure is anonymous), `rejected` (refused with 401).",
		Enum: strs(model.ResultVerified, model.ResultUnverified, model.ResultAnonymous, model.ResultRejected),
	},
	{
		Name: "Workspace", Type: typeOf[model.Workspace](),
		Doc: "One brand: its apps share users and identities.",
		Props: map[string]prop{
			"id":         {Doc: "The workspace id.", ID: "ws"},
			"name":       {Doc: "The brand's name."},
			"created_at": {Doc: "When it was created (RFC 3339)."},
		},
	},
	{
		Name: "App", Type: typeOf[model.App](),
		Doc: "One platform's app of a workspace, with its verification settings.",
		Props: map[string]prop{
			"jwks_url":           {Doc: "For a signet app: where the brand publishes its public keys as a JWK Set; its keys verify tokens naming their kid. Absent when the app publishes none.", Extra: `{"format":"uri"}`},
			"id":                 {Doc: "The app id: the SDK's and widget's appId, and the audience (aud) of pylon-jwt and signet tokens.", ID: "app"},
			"workspace_id":       {Doc: "The app's workspace.", ID: "ws"},
			"name":               {Doc: "A name for people."},
			"full_privacy":       {Doc: "helpshift-legacy only: the digest covers the user id alone."},
			"one_time_tokens":    {Doc: "For a signet app only: each token is accepted once. A token must then carry a `jti` claim (a non-empty string; without one: `claim_invalid`), and a second login with the same `jti`, on any node, is a failed verification with reason `replayed`, answered as the app's enforcement and on_failure say (enforce + reject: 401 `replayed`). Used ids are kept until their token expires."},
			"max_token_lifetime": {Doc: "The longest exp − iat accepted for signet tokens, in seconds.", Extra: `{"minimum":60,"maximum":86400}`},
			"user_id_pattern":    {Doc: "A regular expression (RE2) every signed user id must match in full; empty for none. It makes helpshift-legacy's uid + email concatenation unambiguous."},
			"audience_alias":     {Doc: "For a pylon-jwt app only: a second value a token's `aud` may name besides this app's id, the Pylon widget app id a migrating brand's backend already writes, so its tokens verify unchanged. Compared byte for byte; empty for none. Another profile answers 400."},
			"created_at":         {Doc: "When it was created."},
			"updated_at":         {Doc: "When its settings last changed."},
		},
	},
	{
		Name: "AppCreate", Type: typeOf[admin.AppSettings](),
		Doc:      "A new app. Unset fields take safe defaults: profile signet, enforcement enforce, on_failure reject.",
		Request:  true,
		Required: []string{"name", "platform"},
		Props: map[string]prop{
			"jwks_url":           {Doc: "For a signet app only: where the brand publishes its public keys as a JWK Set (https; plain http or a private address only to hosts the operator lists in SIGNET_OUTBOUND_ALLOW). The set is fetched at once; a failed fetch is shown with the app (GET …/jwks), not refused. A URL that is not HTTPS, carries a user name, or names an internal address answers 400 with the reason. \"\" stops fetching: the set's keys stop verifying.", Extra: `{"maxLength":2000}`},
			"name":               {Doc: "A name for people (at most 200 bytes).", Extra: `{"minLength":1,"maxLength":200}`},
			"profile":            {Doc: "Default `signet`. It cannot change while the app has keys that verify (409): revoke them first."},
			"enforcement":        {Doc: "Default `enforce`."},
			"on_failure":         {Doc: "Default `reject`."},
			"full_privacy":       {Doc: "helpshift-legacy only: sign the user id alone. Default false."},
			"one_time_tokens":    {Doc: "For a signet app only (400 otherwise): accept each token once, by its `jti` claim, which tokens then need; a second use is `replayed`. Default false."},
			"max_token_lifetime": {Doc: "The longest exp − iat accepted for signet tokens, in seconds. Default 3600.", Extra: `{"minimum":60,"maximum":86400}`},
			"user_id_pattern":    {Doc: "A regular expression (RE2) every signed user id must match in full; \"\" for none.", Extra: `{"maxLength":500}`},
			"audience_alias":     {Doc: "For a pylon-jwt app only: a second value a token's `aud` may name besides this app's id, the Pylon widget app id a migrating brand's backend already writes, so its tokens verify unchanged. Compared byte for byte; empty for none. Another profile answers 400.", Extra: `{"maxLength":200}`},
		},
	},
	{
		Name: "AppPatch", Type: typeOf[admin.AppSettings](),
		Doc:     "Any of the app's settings; the others are kept.",
		Request: true,
		Props: map[string]prop{
			"jwks_url":           {Doc: "For a signet app only: where the brand publishes its public keys as a JWK Set (https; plain http or a private address only to hosts the operator lists in SIGNET_OUTBOUND_ALLOW). The set is fetched at once; a failed fetch is shown with the app (GET …/jwks), not refused. A URL that is not HTTPS, carries a user name, or names an internal address answers 400 with the reason. \"\" stops fetching: the set's keys stop verifying.", Extra: `{"maxLength":2000}`},
			"name":               {Doc: "A name for people (at most 200 bytes).", Extra: `{"minLength":1,"maxLength":200}`},
			"profile":            {Doc: "Default `signet`. It cannot change while the app has keys that verify (409): revoke them first."},
			"enforcement":        {Doc: "Default `enforce`."},
			"on_failure":         {Doc: "Default `reject`."},
			"full_privacy":       {Doc: "helpshift-legacy only: sign the user id alone. Default false."},
			"one_time_tokens":    {Doc: "For a signet app only (400 otherwise): accept each token once, by its `jti` claim, which tokens then need; a second use is `replayed`. Default false."},
			"max_token_lifetime": {Doc: "The longest exp − iat accepted for signet tokens, in seconds. Default 3600.", Extra: `{"minimum":60,"maximum":86400}`},
			"user_id_pattern":    {Doc: "A regular expression (RE2) every signed user id must match in full; \"\" for none.", Extra: `{"maxLength":500}`},
			"audience_alias":     {Doc: "For a pylon-jwt app only: a second value a token's `aud` may name besides this app's id, the Pylon widget app id a migrating brand's backend already writes, so its tokens verify unchanged. Compared byte for byte; empty for none. Another profile answers 400.", Extra: `{"maxLength":200}`},
		},
	},
	{
		Name: "Key", Type: typeOf[admin.KeyView](),
		Doc: "One secret of an app, without the secret: Signet shows a secret only once, when the key is created.",
		Props: map[string]prop{
			"algorithm":    {Doc: "What the key verifies under, and nothing else: HS256 for a shared secret; ES256, EdDSA or RS256 for a public key (signet apps). A token's alg must be its key's: an HS256 token is never checked against a public key, nor an asymmetric token against a secret.", Extra: `{"enum":["HS256","ES256","EdDSA","RS256"]}`},
			"kid":          {Doc: "For a key of the app's JWKS: the kid the set lists it under, which tokens name. Absent for other keys, which tokens name by id."},
			"id":           {Doc: "The key id: a signet token's kid header.", ID: "key"},
			"app_id":       {Doc: "The key's app.", ID: "app"},
			"workspace_id": {Doc: "The key's workspace.", ID: "ws"},
			"imported":     {Doc: "True for a brand's existing vendor secret, imported; false for one Signet generated."},
			"weak":         {Doc: "True for an imported secret shorter than 16 bytes or easy to guess, accepted only because the import said `\"force\": true`: rotate it soon (the dashboard keeps warning). False otherwise."},
			"fingerprint":  {Doc: "A short, non-reversible label of the secret (HMAC-SHA256 of the secret under a key derived from the master key with HKDF, first 8 bytes, hex), to tell keys apart without seeing them; the database alone reveals nothing of the secret.", Extra: `{"pattern":"^[0-9a-f]{16}$"}`},
			"created_at":   {Doc: "When it was created."},
			"retires_at":   {Doc: "Set once the key is retired: it verifies until then. Absent otherwise."},
			"revoked_at":   {Doc: "Set once the key is revoked. Absent otherwise."},
			"last_used_at": {Doc: "When a login last verified with it. Absent if never."},
		},
	},
	{
		Name: "AccountRoleChange", Type: typeOf[staff.RoleChange](),
		Doc:      "",
		Request:  true,
		Required: []string{"role"},
		Props: map[string]prop{
			"role":         {Doc: "", Extra: `{"$ref":"#/components/schemas/Role"}`},
			"workspace_id": {Doc: "Where an owner made admin or agent goes (required then); otherwise the account stays in its workspace (owners may move it).", Extra: `{"pattern":"^ws_[a-z2-7]{16}$"}`},
		},
	},
	{
		Name: "PasswordChange", Type: typeOf[staff.PasswordChange](),
		Doc:      "",
		Request:  true,
		Required: []string{"current_password", "new_password"},
		Props: map[string]prop{
			"current_password": {Doc: "The password now.", Extra: `{"maxLength":1024}`},
			"new_password":     {Doc: "12 to 1024 bytes.", Extra: `{"minLength":12,"maxLength":1024}`},
		},
	},
	{
		Name: "PasswordReset", Type: typeOf[staff.ResetToken](),
		Doc: "A one-time password-reset token: the only answer that contains it.",
		Props: map[string]prop{
			"account_id":  {Doc: "", Extra: `{"pattern":"^acc_[a-z2-7]{16}$"}`},
			"reset_token": {Doc: "Works once, until `expires_at`.", Extra: `{"pattern":"^srs_[A-Za-z0-9_-]{43}$"}`},
			"expires_at":  {Doc: ""},
			"reset_path":  {Doc: "The dashboard page that takes the token, such as `/dashboard/reset?token=…`."},
		},
	},
	{
		Name: "InstanceTokenCreate", Type: typeOf[staff.InstanceTokenRequest](),
		Doc:      "",
		Request:  true,
		Required: []string{"role"},
		Props: map[string]prop{
			"role":       {Doc: "", Extra: `{"enum":["owner","metrics"]}`},
			"name":       {Doc: "A label for people.", Extra: `{"maxLength":200}`},
			"expires_in": {Doc: "The token's life in seconds; absent: until revoked.", Extra: `{"minimum":60,"maximum":31622400}`},
		},
	},
	{
		Name: "CreatedKey", Type: typeOf[admin.NewKey](),
		Doc: "A new key, with its secret: the only answer that ever contains it.",
		Props: map[string]prop{
			"algorithm":    {Doc: "What the key verifies under, and nothing else: HS256 for a shared secret; ES256, EdDSA or RS256 for a public key (signet apps). A token's alg must be its key's: an HS256 token is never checked against a public key, nor an asymmetric token against a secret.", Extra: `{"enum":["HS256","ES256","EdDSA","RS256"]}`},
			"kid":          {Doc: "For a key of the app's JWKS: the kid the set lists it under, which tokens name. Absent for other keys, which tokens name by id."},
			"id":           {Doc: "The key id: a signet token's kid header.", ID: "key"},
			"app_id":       {Doc: "The key's app.", ID: "app"},
			"workspace_id": {Doc: "The key's workspace.", ID: "ws"},
			"imported":     {Doc: "True for a brand's existing vendor secret, imported; false for one Signet generated."},
			"weak":         {Doc: "True for an imported secret shorter than 16 bytes or easy to guess, accepted only because the import said `\"force\": true`: rotate it soon (the dashboard keeps warning). False otherwise."},
			"fingerprint":  {Doc: "A short, non-reversible label of the secret (HMAC-SHA256 of the secret under a key derived from the master key with HKDF, first 8 bytes, hex), to tell keys apart without seeing them; the database alone reveals nothing of the secret.", Extra: `{"pattern":"^[0-9a-f]{16}$"}`},
			"created_at":   {Doc: "When it was created."},
			"retires_at":   {Doc: "Set once the key is retired: it verifies until then. Absent otherwise."},
			"revoked_at":   {Doc: "Set once the key is revoked. Absent otherwise."},
			"last_used_at": {Doc: "When a login last verified with it. Absent if never."},
			"secret":       {Doc: "The secret, exactly as the brand's backend must use it (hex for pylon-hmac, base64url text otherwise; an imported one as sent). Shown this once only: store it in the backend's secret manager.", Extra: `{"minLength":1}`},
		},
	},
	{
		Name: "JWKSFetch", Type: typeOf[model.JWKSFetch](),
		Doc: "The last fetch of an app's JWKS.",
		Props: map[string]prop{
			"app_id":     {Doc: "The app.", ID: "app"},
			"url":        {Doc: "The URL fetched."},
			"fetched_at": {Doc: "The last successful fetch; absent if none succeeded."},
			"checked_at": {Doc: "The last try."},
			"error":      {Doc: "Why the last try failed (too large, too slow, not JSON, duplicate kids, an oct or private key, a refused address…); absent when it succeeded. The last good set stays in force."},
			"failures":   {Doc: "Tries that failed in a row.", Extra: `{"minimum":0}`},
			"key_count":  {Doc: "Keys in the last good set.", Extra: `{"minimum":0}`},
		},
	},
	{
		Name: "KeyCreate", Type: typeOf[keyCreate](),
		Doc:     "`{}` generates a secret; `{\"secret\": S}` imports one.",
		Request: true,
		Props: map[string]prop{
			"algorithm":  {Doc: "With public_key: the algorithm the public key verifies under (ES256: P-256; EdDSA: Ed25519; RS256: RSA of 2048 to 8192 bits).", Extra: `{"enum":["ES256","EdDSA","RS256"]}`},
			"public_key": {Doc: "With algorithm: the public key of the brand's key pair, as PEM (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo) or as a JWK. A private key, a certificate, an oct JWK, another key type or an RSA key under 2048 bits answers 400 with the reason.", Extra: `{"minLength":1,"maxLength":16384}`},
			"secret":     {Doc: "A brand's existing vendor secret to import (so its signing code stays unchanged). Omit it to have Signet generate a 256-bit secret.", Extra: `{"minLength":1}`},
			"force":      {Doc: "Import a secret shorter than 16 bytes anyway (otherwise 400 weak_secret): the key is flagged `weak`. Rotate it soon."},
		},
	},
	{
		Name: "KeyRetire", Type: typeOf[retireRequest](),
		Doc:     "Retire a key with a grace period, for rotation with overlap.",
		Request: true,
		Props: map[string]prop{
			"grace_seconds": {Doc: "How long the key keeps verifying, in seconds; default 604800 (7 days). 0 ends it now.", Extra: `{"minimum":0,"maximum":31536000}`},
		},
	},
	{
		Name: "APIToken", Type: typeOf[model.APIToken](),
		Doc: "An API token for the admin and agent API, without its text: only a hash is stored.",
		Props: map[string]prop{
			"account_id":   {Doc: "The account the token belongs to: the person of a dashboard session, or who made it through the dashboard. Disabling or deleting that account revokes the token. Absent otherwise.", Extra: `{"pattern":"^acc_[a-z2-7]{16}$","examples":["acc_k3jq7m2xw4p5r6t7"]}`},
			"id":           {Doc: "The token's id (not the token).", ID: "tok"},
			"workspace_id": {Doc: "The token's workspace. Absent for an instance owner token.", ID: "ws"},
			"name":         {Doc: "A label for people. Absent when empty."},
			"created_at":   {Doc: "When it was created."},
			"revoked_at":   {Doc: "Set once revoked. Absent otherwise."},
			"last_used_at": {Doc: "When it last authenticated a request. Absent if never."},
			"expires_at":   {Doc: "When it stops working (401 `unauthenticated` from then on), from `expires_in` at creation; dashboard sessions expire 12 hours after sign-in. Absent when it lasts until revoked."},
		},
	},
	{
		Name: "CreatedAPIToken", Type: typeOf[admin.NewToken](),
		Doc: "A new API token, with its text: the only answer that ever contains it.",
		Props: map[string]prop{
			"account_id":   {Doc: "The account the token belongs to: the person of a dashboard session, or who made it through the dashboard. Disabling or deleting that account revokes the token. Absent otherwise.", Extra: `{"pattern":"^acc_[a-z2-7]{16}$","examples":["acc_k3jq7m2xw4p5r6t7"]}`},
			"id":           {Doc: "The token's id (not the token).", ID: "tok"},
			"workspace_id": {Doc: "The token's workspace. Absent for an instance owner token.", ID: "ws"},
			"name":         {Doc: "A label for people. Absent when empty."},
			"created_at":   {Doc: "When it was created."},
			"revoked_at":   {Doc: "Set once revoked. Absent otherwise."},
			"last_used_at": {Doc: "When it last authenticated a request. Absent if never."},
			"expires_at":   {Doc: "When it stops working (401 `unauthenticated` from then on), from `expires_in` at creation; dashboard sessions expire 12 hours after sign-in. Absent when it lasts until revoked."},
			"token":        {Doc: "The bearer token (sat_…). Shown this once only.", Extra: `{"pattern":"^sat_[A-Za-z0-9_-]{43}$"}`},
		},
	},
	{
		Name: "APITokenCreate", Type: typeOf[admin.TokenRequest](),
		Request:  true,
		Required: []string{"role"},
		Props: map[string]prop{
			"role":       {Doc: "`admin` manages the workspace; `agent` reads its users and never sees keys or settings.", Extra: `{"enum":["admin","agent"]}`},
			"name":       {Doc: "A label for people, such as the script or integration using it.", Extra: `{"maxLength":200}`},
			"expires_in": {Doc: "The token's life in seconds, from 60 (a minute) to 31622400 (366 days); outside that range 400 `invalid_request`. The answer's `expires_at` says when it ends. Absent: the token lasts until revoked.", Extra: `{"minimum":60,"maximum":31622400}`},
		},
	},
	{
		Name: "Account", Type: typeOf[model.Account](),
		Doc: "A person who signs in to the dashboard. The password is never returned.",
		Props: map[string]prop{
			"disabled_at":      {Doc: "When it was disabled: it cannot sign in. Absent while enabled."},
			"reset_expires_at": {Doc: "When a pending password-reset token expires. Absent when none is pending."},
			"id":               {Doc: "The account id.", ID: "acc"},
			"workspace_id":     {Doc: "The account's workspace. Absent for an instance owner.", ID: "ws"},
			"email":            {Doc: "The sign-in email."},
			"created_at":       {Doc: "When it was created."},
		},
	},
	{
		Name: "AccountCreate", Type: typeOf[admin.AccountRequest](),
		Request:  true,
		Required: []string{"email", "password", "role"},
		Props: map[string]prop{
			"email":    {Doc: "The sign-in email; must contain @ and be unused (409 otherwise).", Extra: `{"maxLength":254}`},
			"password": {Doc: "12 to 1024 bytes. Stored as an argon2id hash.", Extra: `{"minLength":12,"maxLength":1024}`},
			"role":     {Extra: `{"enum":["admin","agent"]}`},
		},
	},
	{
		Name: "Identity", Type: typeOf[model.Identity](),
		Doc: "One identifier of a user, verified or only claimed.",
		Props: map[string]prop{
			"value":       {Doc: "The identifier exactly as signed or sent: never folded, trimmed or normalised."},
			"verified":    {Doc: "True when a signature Signet checked covers it; false for an identifier only claimed (sent, not signed), which is never used to find or link a user."},
			"metadata":    {Doc: "Signed metadata (helpshift-userhub and signet tokens). Absent when none."},
			"app_id":      {Doc: "The app through which it was last verified, or sent. Absent when unknown.", ID: "app"},
			"key_id":      {Doc: "The key that last verified it. Absent for a claim.", ID: "key"},
			"seen_at":     {Doc: "When it was last presented."},
			"verified_at": {Doc: "When it was last verified. Absent for a claim."},
		},
	},
	{
		Name: "User", Type: typeOf[model.User](),
		Doc: "An end user of a workspace, as agents and admins see them.",
		Props: map[string]prop{
			"id":           {Doc: "The user id.", ID: "usr"},
			"workspace_id": {Doc: "The user's workspace.", ID: "ws"},
			"anonymous":    {Doc: "True for an anonymous visitor: no identities."},
			"name":         {Doc: "The display name (signed, or sent at login). Absent when none."},
			"name_signed":  {Doc: "True when the login that set `name` carried it inside the signature (a signed claim of the token); false for a name the app sent unsigned, and for names stored before Signet recorded it. The dashboard labels a name `unsigned` when this is false."},
			"created_at":   {Doc: "When Signet first saw the user."},
			"identities":   {Doc: "Verified and claimed identities."},
		},
	},
	{
		Name: "IdentityConflict", Type: typeOf[model.IdentityConflict](),
		Doc: "A signed identity that another verified user already holds. Signet never merges users silently: it records the conflict for an admin to resolve.",
		Props: map[string]prop{
			"workspace_id": {Doc: "The workspace.", ID: "ws"},
			"value":        {Doc: "The identity both users presented, signed."},
			"holder_id":    {Doc: "The user who already holds it, verified.", ID: "usr"},
			"claimant_id":  {Doc: "The user who presented it signed too; it is kept on them as a claim only.", ID: "usr"},
			"app_id":       {Doc: "The app of the claimant's login.", ID: "app"},
			"at":           {Doc: "When it happened."},
		},
	},
	{
		Name: "Session", Type: typeOf[model.Session](),
		Doc: "A logged-in SDK or widget session. Its token is never shown again after login.",
		Props: map[string]prop{
			"id":            {Doc: "The session id (not its token).", ID: "ses"},
			"workspace_id":  {Doc: "The workspace.", ID: "ws"},
			"app_id":        {Doc: "The app it logged in to.", ID: "app"},
			"user_id":       {Doc: "Its user.", ID: "usr"},
			"key_id":        {Doc: "The key whose signature verified the login. Absent for an unverified or anonymous session.", ID: "key"},
			"verified":      {Doc: "True when the login's signature was verified."},
			"anonymous":     {Doc: "True for an anonymous session."},
			"signed_fields": {Doc: "What the signature covered: identity types (uid, email…) and signed claims such as name. Anything else the client sent was only claimed."},
			"device_id":     {Doc: "As sent at login. Absent when none."},
			"app_version":   {Doc: "As sent at login. Absent when none."},
			"created_at":    {Doc: "When it was created."},
			"expires_at":    {Doc: "When it expires."},
			"revoked_at":    {Doc: "Set once ended. Absent otherwise."},
			"revoke_reason": {Doc: "Why it was ended: `admin` (one session, by an admin), `logout`, `key_revoked` (its key was revoked), `user_sessions_ended` and `app_sessions_ended` (every session of its user or app, by an admin), `handed_over` (an anonymous session whose issues moved to the verified user it logged in as), `suspicious_activity` (a suspicious-activity signal ended every session of its user). Absent while live.", Extra: `{"enum":["admin","logout","key_revoked","user_sessions_ended","app_sessions_ended","handed_over","suspicious_activity"]}`},
		},
	},
	{
		Name: "Attempt", Type: typeOf[model.Attempt](),
		Doc: "One entry of the verification log: every login attempt. Never holds a secret, digest or token.",
		Props: map[string]prop{
			"id":              {Doc: "The attempt id.", ID: "att"},
			"workspace_id":    {Doc: "The workspace.", ID: "ws"},
			"app_id":          {Doc: "The app.", ID: "app"},
			"app_version":     {Doc: "As sent at login. Absent when none."},
			"claimed_user_id": {Doc: "Unverified: the user id an attempt that was not verified named (its `user_id`, else its token's unverified payload), so that an admin finds who failed. Attacker-chosen text: at most 128 bytes (longer ones are cut and end with `\u2026`), and `(not shown: invalid characters)` in place of a value with control or invisible formatting characters. Render it as untrusted text. Absent on a verified attempt (see `user_id`) and when none was named.", Extra: `{"maxLength":128}`},
			"claimed_email":   {Doc: "Unverified: the email an attempt that was not verified named; as `claimed_user_id`. Absent when none was named.", Extra: `{"maxLength":128}`},
			"reason":          {Doc: "Why verification failed. Absent when it did not fail."},
			"cause":           {Doc: "The doctor's finding for a failed signature. Absent when none."},
			"diagnosis":       {Doc: "The doctor's explanation, for the brand's developers. Absent when none."},
			"key_id":          {Doc: "The key that verified it. Absent when none did.", ID: "key"},
			"user_id":         {Doc: "The user it logged in. Absent for a rejected attempt.", ID: "usr"},
			"at":              {Doc: "When it happened."},
		},
	},
	{
		Name: "SDKIdentity", Type: typeOf[sdkIdentity](),
		Doc: "An identity of the logged-in user, as the SDK sees it.",
		Props: map[string]prop{
			"verified": {Doc: "True when signed and verified; false when only claimed."},
		},
	},
	{
		Name: "SDKUser", Type: typeOf[sdkUser](),
		Doc: "The logged-in user, as the SDK sees it: nothing about keys or other apps.",
		Props: map[string]prop{
			"id":   {Doc: "The user id.", ID: "usr"},
			"name": {Doc: "The display name. Absent when none."},
		},
	},
	{
		Name: "LoginAnswer", Type: typeOf[sessionAnswer](),
		Doc:      "A new session.",
		Required: []string{"session_token"}, // sessionAnswer omits it for GET /v1/me
		Props: map[string]prop{
			"session_token": {Doc: "The session's bearer token for every later /v1/ request. Given once; keep it in memory or the app's secure storage. Opaque: it names its session, and tokens of an older shape (`sst_` and 43 characters) stay valid until they expire.", Extra: `{"pattern":"^sst_(?:[a-z2-7]{16}_)?[A-Za-z0-9_-]{43}$"}`},
			"expires_at":    {Doc: "When the session expires; the SDK then logs in again with a freshly signed identity."},
			"verified":      {Doc: "True when the identity was verified: the user sees their history on every device."},
			"anonymous":     {Doc: "True for an anonymous session."},
		},
	},
	{
		Name: "Me", Type: typeOf[sessionAnswer](),
		Doc:  "The current session and its user (as login answers, without the token).",
		Omit: []string{"session_token"},
		Props: map[string]prop{
			"expires_at": {Doc: "When the session expires; the SDK then logs in again with a freshly signed identity."},
			"verified":   {Doc: "True when the identity was verified: the user sees their history on every device."},
			"anonymous":  {Doc: "True for an anonymous session."},
		},
	},
	{
		Name: "LoginRequest", Type: typeOf[login.Request](),
		Doc:     "What the SDK or widget sends. Every field is optional: with no identifier the login is anonymous.",
		Request: true,
		Props: map[string]prop{
			"user_id":           {Doc: "The brand's user id (uid); akece's identifier. At most 1024 bytes, no control characters.", Extra: `{"maxLength":1024}`},
			"email":             {Doc: "The user's email. At most 1024 bytes, no control characters.", Extra: `{"maxLength":1024}`},
			"user_hash":         {Doc: "The digest of an HMAC profile (" + digestProfiles() + "), computed by the brand's backend. At most 8 KiB."},
			"identity_token":    {Doc: "The JWT of a JWT profile (helpshift-userhub, pylon-jwt, signet), signed by the brand's backend. At most 8 KiB. Identifiers sent next to it must equal the signed ones."},
			"name":              {Doc: "A display name (a signed name takes precedence).", Extra: `{"maxLength":200}`},
			"device_id":         {Doc: "An id of the device, for the brand's admins.", Extra: `{"maxLength":200}`},
			"app_version":       {Doc: "The app's version, for rollout readiness by version.", Extra: `{"maxLength":64}`},
			"anonymous_session": {Doc: "The session token of the anonymous session this device had before. On a verified login, that session's issues are handed over to the verified user and the anonymous session ends (401 `session_revoked`, revoke_reason `handed_over`). Ignored on a login that is not verified, and when the token is not a live anonymous session of the same workspace: a hand-over never goes the other way."},
		},
	},
	{
		Name: "WorkspaceList", Type: typeOf[workspaceList](),
		Doc: "The workspaces the caller may see, oldest first.",
	},
	{
		Name: "AppList", Type: typeOf[appList](),
		Doc: "The workspace's apps, oldest first.",
	},
	{
		Name: "KeyList", Type: typeOf[keyList](),
		Doc: "The app's keys in every state, oldest first.",
	},
	{
		Name: "APITokenList", Type: typeOf[tokenList](),
		Doc: "The workspace's API tokens, revoked ones included.",
	},
	{
		Name: "AccountList", Type: typeOf[accountList](),
		Doc: "The workspace's dashboard accounts.",
	},
	{
		Name: "UserList", Type: typeOf[userList](),
		Doc: "Users, newest first.",
	},
	{
		Name: "SessionList", Type: typeOf[sessionList](),
		Doc: "Sessions, newest first.",
	},
	{
		Name: "AttemptList", Type: typeOf[attemptList](),
		Doc: "The verification log, newest first.",
	},
	{
		Name: "ConflictList", Type: typeOf[conflictList](),
		Doc: "Identity conflicts, newest first.",
	},
	{
		Name: "EndedSessions", Type: typeOf[endedSessions](),
		Props: map[string]prop{
			"ended": {Doc: "How many live sessions were ended.", Extra: `{"minimum":0}`},
		},
	},
	{
		Name: "Health", Type: typeOf[health](),
		Props: map[string]prop{
			"status":  {Extra: `{"enum":["ok"]}`},
			"version": {Doc: "The build's version, from the binary's Go build information (the same as `signet version`): a release tag such as v1.2.3, a pseudo-version naming the commit, or devel (devel+COMMIT from a checkout).", Extra: `{"examples":["v1.2.3"]}`},
		},
	},
	{
		Name: "Readiness", Type: typeOf[readiness](),
		Doc: "Readiness for a load balancer. Not an error body: 503 carries the reason in status.",
		Props: map[string]prop{
			"status": {Extra: `{"enum":["ready","shutting down","database unreachable"]}`},
		},
	},
	{
		Name: "IssueStatus", Type: typeOf[model.IssueStatus](),
		Doc:  "`open` until an agent resolves it; a reply of the user reopens a resolved issue.",
		Enum: strs(model.IssueOpen, model.IssueResolved),
	},
	{
		Name: "Author", Type: typeOf[model.Author](),
		Doc:  "Who wrote a message: the issue's user (from the SDK or widget) or an agent.",
		Enum: strs(model.AuthorUser, model.AuthorAgent),
	},
	{
		Name:  "MessageBody",
		Doc:   "A message's text: 1 to 10,000 bytes of UTF-8 (maxLength counts characters; the limit is in bytes), not only white space, and no control characters but line breaks (\\n, \\r) and tabs. Otherwise 400 `invalid_request`.",
		Extra: `{"type":"string","minLength":1,"maxLength":10000,"pattern":"^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$","examples":["My purchase did not arrive."]}`,
	},
	{
		Name: "SDKIssue", Type: typeOf[sdkIssue](),
		Doc: "A support issue of the session's user, as the SDK sees it.",
		Props: map[string]prop{
			"id":              {Doc: "The issue id.", ID: "iss"},
			"app_id":          {Doc: "The app it was opened in.", ID: "app"},
			"preview":         {Doc: "The start of the first message (140 characters, then …), for lists."},
			"created_at":      {Doc: "When it was opened."},
			"updated_at":      {Doc: "When it last changed: a new message, or a status change."},
			"last_message_at": {Doc: "When its last message was written; lists are ordered by it, newest first."},
		},
	},
	{
		Name: "SDKMessage", Type: typeOf[sdkMessage](),
		Doc: "A message of an issue, as the SDK sees it.",
		Props: map[string]prop{
			"id":         {Doc: "The message id.", ID: "msg"},
			"issue_id":   {Doc: "Its issue.", ID: "iss"},
			"body":       {Doc: "The text, exactly as written."},
			"created_at": {Doc: "When it was written."},
		},
	},
	{
		Name: "CreatedIssue", Type: typeOf[createdIssue](),
		Doc: "A new issue (the fields of SDKIssue) with its first message.",
		Props: map[string]prop{
			"id":              {Doc: "The issue id.", ID: "iss"},
			"app_id":          {Doc: "The app it was opened in.", ID: "app"},
			"preview":         {Doc: "The start of the first message (140 characters, then …), for lists."},
			"created_at":      {Doc: "When it was opened."},
			"updated_at":      {Doc: "When it last changed: a new message, or a status change."},
			"last_message_at": {Doc: "When its last message was written; lists are ordered by it, newest first."},
			"messages":        {Doc: "The issue's first message.", Extra: `{"minItems":1,"maxItems":1}`},
		},
	},
	{
		Name: "SDKIssueList", Type: typeOf[sdkIssueList](),
		Doc: "The session user's issues, newest activity first.",
	},
	{
		Name: "SDKMessageList", Type: typeOf[sdkMessageList](),
		Doc: "An issue's messages, oldest first.",
	},
	{
		Name: "IssueCreate", Type: typeOf[issueRequest](),
		Doc:      "A new issue: its first message.",
		Request:  true,
		Required: []string{"message"},
		Props: map[string]prop{
			"message": {Doc: "The first message's text.", Extra: `{"$ref":"#/components/schemas/MessageBody"}`},
		},
	},
	{
		Name: "MessageCreate", Type: typeOf[messageRequest](),
		Doc:      "A new message.",
		Request:  true,
		Required: []string{"body"},
		Props: map[string]prop{
			"body": {Doc: "The text.", Extra: `{"$ref":"#/components/schemas/MessageBody"}`},
		},
	},
	{
		Name: "Issue", Type: typeOf[model.Issue](),
		Doc: "A support issue, as agents see it.",
		Props: map[string]prop{
			"id":              {Doc: "The issue id.", ID: "iss"},
			"workspace_id":    {Doc: "Its workspace.", ID: "ws"},
			"app_id":          {Doc: "The app it was opened in.", ID: "app"},
			"user_id":         {Doc: "Its user: whoever the issue belongs to now (a hand-over moves an anonymous visitor's issues to the verified user).", ID: "usr"},
			"preview":         {Doc: "The start of the first message (140 characters, then …), for lists."},
			"created_at":      {Doc: "When it was opened."},
			"updated_at":      {Doc: "When it last changed: a new message, or a status change."},
			"last_message_at": {Doc: "When its last message was written; lists are ordered by it, newest first."},
		},
	},
	{
		Name: "Message", Type: typeOf[model.Message](),
		Doc: "A message of an issue, as agents see it: who wrote it, and whether the user's session was verified then.",
		Props: map[string]prop{
			"id":           {Doc: "The message id.", ID: "msg"},
			"issue_id":     {Doc: "Its issue.", ID: "iss"},
			"workspace_id": {Doc: "Its workspace.", ID: "ws"},
			"body":         {Doc: "The text, exactly as written."},
			"created_at":   {Doc: "When it was written."},
			"user_id":      {Doc: "The user who wrote it (author `user`), as they were when writing it. Absent for an agent's message.", ID: "usr"},
			"verified":     {Doc: "True when the user's session was verified when it was written; always false for an agent's message."},
			"agent_id":     {Doc: "The agent who wrote it (author `agent`): the id of their API token (tok_…), or `owner` for the instance's admin token. Absent for a user's message.", Extra: `{"examples":["tok_k3jq7m2xw4p5r6t7","owner"]}`},
		},
		Extra: `{
  "allOf": [
    {
      "if": {
        "properties": {
          "author": {
            "const": "user"
          }
        },
        "required": [
          "author"
        ]
      },
      "then": {
        "required": [
          "user_id"
        ],
        "not": {
          "required": [
            "agent_id"
          ]
        }
      }
    },
    {
      "if": {
        "properties": {
          "author": {
            "const": "agent"
          }
        },
        "required": [
          "author"
        ]
      },
      "then": {
        "required": [
          "agent_id"
        ],
        "not": {
          "required": [
            "user_id"
          ]
        },
        "properties": {
          "verified": {
            "const": false
          }
        }
      }
    }
  ]
}`,
	},
	{
		Name: "IssueList", Type: typeOf[issueList](),
		Doc: "Issues, newest activity first.",
	},
	{
		Name: "MessageList", Type: typeOf[messageList](),
		Doc: "An issue's messages, oldest first.",
	},
	{
		Name: "PanelIdentity", Type: typeOf[panelIdentity](),
		Doc: "One identity of the user behind an issue: verified or only claimed, through which app and key, and when.",
		Props: map[string]prop{
			"value":       {Doc: "The identifier exactly as signed or sent."},
			"verified":    {Doc: "True when a signature Signet checked covers it; false for an identifier only claimed (sent, not signed): treat it as the user's say-so."},
			"metadata":    {Doc: "Signed metadata (helpshift-userhub and signet tokens). Absent when none."},
			"app_id":      {Doc: "The app through which it was last verified, or sent. Absent when unknown.", ID: "app"},
			"app_name":    {Doc: "That app's name. Absent when unknown."},
			"key_id":      {Doc: "The key that last verified it. Absent for a claim.", ID: "key"},
			"seen_at":     {Doc: "When it was last presented."},
			"verified_at": {Doc: "When it was last verified. Absent for a claim."},
		},
	},
	{
		Name: "UserPanel", Type: typeOf[userPanel](),
		Doc: "The user behind an issue, as an agent sees them: every identity, verified or only claimed.",
		Props: map[string]prop{
			"id":        {Doc: "The user id.", ID: "usr"},
			"name":      {Doc: "The display name (signed, or sent at login). Absent when none."},
			"anonymous": {Doc: "True for an anonymous visitor: no identities."},
		},
	},
	{
		Name: "IssueDetail", Type: typeOf[issueDetail](),
		Doc: "One issue with its user panel and its messages.",
		Props: map[string]prop{
			"messages": {Doc: "The first 500 messages, oldest first; page on with GET /api/agent/issues/{issue}/messages?after=.", Extra: `{"maxItems":500}`},
		},
	},
	{
		Name: "AgentMessageEvent", Type: typeOf[agentMessageEvent](),
		Doc: "The data of an agent stream's `message` event: the issue (as it is now) and the new message.",
	},
	{
		Name: "StreamNotice", Type: typeOf[streamNotice](),
		Doc: "The data of a `resync` or `bye` event: the stream ends; reconnect and re-read.",
		Props: map[string]prop{
			"reason": {Doc: "Why, for a person."},
		},
	},
	{
		Name: "StreamSessionEnded", Type: typeOf[streamSessionEnded](),
		Doc: "The data of a `session_ended` event: the credential the stream was opened with no longer works (checked every 15 seconds); the stream ends.",
		Props: map[string]prop{
			"code": {Doc: "What a request with that credential would answer now: `session_expired` (log in again), `session_revoked`, or `unauthenticated` for an API token that was revoked."},
		},
	},
	{
		Name:  "WebhookEventType",
		Doc:   "What happened:\n\n- `message.created`: an agent wrote to a user (data: `app_id`, `issue_id`, `user_id`, `message_id`, `author`, `agent_id`, `body`): a brand's backend can push a notification to a backgrounded app\n- `issue.created`: a user opened an issue (same data, `author` = `user`)\n- `verification.failures_spiked`: an app's share of failed verifications over a window reached the threshold (data: `app_id`, `window_seconds`, `checked`, `failed`, `failed_share`, `threshold`); at most once per app and window\n- `key.retiring_still_used`: a key inside its grace period still signs logins (data: `app_id`, `key_id`, `retires_at`, `last_used_at`); at most once per key and day\n- `app.enforcement_changed`: an app's enforcement was set (data: `app_id`, `enforcement`)\n- `key.created`, `key.revoked`: data `app_id`, `key_id` (and `sessions_ended` for a revocation)\n\nEvery event's data holds `workspace_id`.",
		Extra: `{"type":"string","enum":["message.created","issue.created","verification.failures_spiked","key.retiring_still_used","app.enforcement_changed","key.created","key.revoked"]}`,
	},
	{
		Name: "Webhook", Type: typeOf[model.Webhook](),
		Doc: "A webhook endpoint, without its secret.",
		Props: map[string]prop{
			"id":                    {Doc: "The endpoint's id.", ID: "whk"},
			"workspace_id":          {Doc: "Its workspace.", ID: "ws"},
			"url":                   {Doc: "Where deliveries are POSTed: HTTPS, to a public address (an operator's `SIGNET_OUTBOUND_ALLOW` lets listed hosts through, plain HTTP included)."},
			"events":                {Doc: "The event types it receives.", Extra: `{"items":{"$ref":"#/components/schemas/WebhookEventType"}}`},
			"description":           {Doc: "A label for people; may be empty."},
			"previous_secret_until": {Doc: "During a rotation's overlap: until when the previous secret signs too (a second `v1,` signature). Absent otherwise."},
			"created_at":            {Doc: "When it was created."},
			"updated_at":            {Doc: "When it last changed."},
			"disabled_at":           {Doc: "Set while deliveries are stopped: by an admin, or after a day of failures. Absent when enabled."},
			"disabled_reason":       {Doc: "Why it is disabled: `failing` (every attempt failed for a day; the audit entry `webhook.disable` records it) or `disabled by an admin`. Absent when enabled.", Extra: `{"enum":["failing","disabled by an admin"]}`},
			"failing_since":         {Doc: "The first failed attempt since the last success. Absent when the last attempt succeeded."},
		},
	},
	{
		Name: "CreatedWebhook", Type: typeOf[webhook.Created](),
		Doc: "A webhook endpoint with its secret: the only time it is shown.",
		Props: map[string]prop{
			"id":                    {Doc: "The endpoint's id.", ID: "whk"},
			"workspace_id":          {Doc: "Its workspace.", ID: "ws"},
			"url":                   {Doc: "Where deliveries are POSTed: HTTPS, to a public address (an operator's `SIGNET_OUTBOUND_ALLOW` lets listed hosts through, plain HTTP included)."},
			"events":                {Doc: "The event types it receives.", Extra: `{"items":{"$ref":"#/components/schemas/WebhookEventType"}}`},
			"description":           {Doc: "A label for people; may be empty."},
			"previous_secret_until": {Doc: "During a rotation's overlap: until when the previous secret signs too (a second `v1,` signature). Absent otherwise."},
			"created_at":            {Doc: "When it was created."},
			"updated_at":            {Doc: "When it last changed."},
			"disabled_at":           {Doc: "Set while deliveries are stopped: by an admin, or after a day of failures. Absent when enabled."},
			"disabled_reason":       {Doc: "Why it is disabled: `failing` (every attempt failed for a day; the audit entry `webhook.disable` records it) or `disabled by an admin`. Absent when enabled.", Extra: `{"enum":["failing","disabled by an admin"]}`},
			"failing_since":         {Doc: "The first failed attempt since the last success. Absent when the last attempt succeeded."},
			"secret":                {Doc: "The signing secret, Standard Webhooks form: `whsec_` then the key in standard base64. Shown this once. A delivery's `webhook-signature` is `v1,` and the base64 HMAC-SHA256, under the decoded key, of `webhook-id` + `.` + `webhook-timestamp` + `.` + the body.", Extra: `{"pattern":"^whsec_[A-Za-z0-9+/]+={0,2}$"}`},
		},
	},
	{
		Name: "WebhookCreate", Type: typeOf[webhook.Request](),
		Doc:      "A new endpoint.",
		Request:  true,
		Required: []string{"url", "events"},
		Props: map[string]prop{
			"url":         {Doc: "HTTPS URL of a public address; a URL that is not HTTPS, names a loopback host, or is or resolves to a private, loopback or link-local address is refused with 400 `invalid_request` saying why.", Extra: `{"maxLength":2000}`},
			"events":      {Doc: "The event types to receive.", Extra: `{"minItems":1,"items":{"$ref":"#/components/schemas/WebhookEventType"}}`},
			"description": {Doc: "A label for people.", Extra: `{"maxLength":200}`},
			"disabled":    {Doc: "`true` stops deliveries (they wait, and go out once resumed if still inside their day of retries); `false` resumes them and forgets the failures."},
		},
	},
	{
		Name: "WebhookPatch", Type: typeOf[webhook.Request](),
		Doc:     "The settings to change; the others stay.",
		Request: true,
		Props: map[string]prop{
			"url":         {Doc: "HTTPS URL of a public address; a URL that is not HTTPS, names a loopback host, or is or resolves to a private, loopback or link-local address is refused with 400 `invalid_request` saying why.", Extra: `{"maxLength":2000}`},
			"events":      {Doc: "The event types to receive.", Extra: `{"minItems":1,"items":{"$ref":"#/components/schemas/WebhookEventType"}}`},
			"description": {Doc: "A label for people.", Extra: `{"maxLength":200}`},
			"disabled":    {Doc: "`true` stops deliveries (they wait, and go out once resumed if still inside their day of retries); `false` resumes them and forgets the failures."},
		},
	},
	{
		Name: "WebhookRotate", Type: typeOf[rotateRequest](),
		Doc:     "A rotation.",
		Request: true,
		Props: map[string]prop{
			"overlap_seconds": {Doc: "How long the previous secret keeps signing too; default 86400 (a day); 0 ends it at once.", Extra: `{"minimum":0,"maximum":604800}`},
		},
	},
	{
		Name: "WebhookList", Type: typeOf[webhookList](),
		Doc: "The workspace's webhook endpoints, oldest first.",
	},
	{
		Name: "WebhookDelivery", Type: typeOf[model.WebhookDelivery](),
		Doc: "One event for one endpoint: its state and last attempt.",
		Props: map[string]prop{
			"endpoint_id":     {Doc: "The endpoint.", ID: "whk"},
			"event_id":        {Doc: "The event's id: the `webhook-id` header of every attempt.", ID: "evt"},
			"event_type":      {Extra: `{"$ref":"#/components/schemas/WebhookEventType"}`},
			"payload":         {Doc: "The body sent, exactly as signed: `{\"type\", \"timestamp\", \"data\"}`."},
			"status":          {Doc: "`pending` until a 2xx answer (`delivered`), or until its retries ran out after a day (`failed`).", Extra: `{"enum":["pending","delivered","failed"]}`},
			"attempts":        {Doc: "Attempts made (since the last resend).", Extra: `{"minimum":0}`},
			"created_at":      {Doc: "When the event was enqueued (or last resent): its day of retries starts then."},
			"next_attempt_at": {Doc: "While pending: the next attempt, after an exponential backoff with jitter. Absent otherwise."},
			"last_attempt_at": {Doc: "The last attempt. Absent before the first."},
			"last_status":     {Doc: "The HTTP status of the last answer; 0 when none came (refused, timed out) or before the first attempt."},
			"last_error":      {Doc: "Why the last attempt failed. Absent after a success."},
			"delivered_at":    {Doc: "When a 2xx answer came. Absent otherwise."},
		},
	},
	{
		Name: "WebhookDeliveryList", Type: typeOf[deliveryList](),
		Doc: "An endpoint's deliveries, newest first (at most `limit`, 100 by default).",
	},
	{
		Name:  "AuditAction",
		Doc:   "What was done, a stable verb:\n\n- `workspace.create` (a workspace; filed in the new workspace's log)\n- `workspace.delete` (a workspace and everything in it but its audit log; filed in the instance's log)\n- `app.create`, `app.update` (an app's settings), `app.delete` (an app, its keys, sessions and conversations)\n- `key.create`, `key.retire`, `key.revoke`\n- `token.create`, `token.revoke` (API tokens)\n- `account.create`\n- `session.revoke`, `user.sessions.revoke`, `app.sessions.revoke`\n- `account.disable`, `account.enable`, `account.delete`, `account.role`, `account.password_change`, `account.password_reset_issue` (and, from the dashboard's reset page, `account.password_reset`)\n- `webhook.create`, `webhook.update`, `webhook.rotate`, `webhook.delete`, `webhook.resend` (a delivery), `webhook.disable` (by Signet, `actor_role` `system`: an endpoint that failed for a day)",
		Extra: `{"type":"string","enum":["workspace.create","app.create","app.update","key.create","key.retire","key.revoke","token.create","token.revoke","account.create","session.revoke","user.sessions.revoke","app.sessions.revoke","app.delete","workspace.delete","account.disable","account.enable","account.delete","account.role","account.password_change","account.password_reset_issue","webhook.create","webhook.update","webhook.rotate","webhook.delete","webhook.resend","webhook.disable"]}`,
	},
	{
		Name:  "AuditTargetType",
		Doc:   "The kind of thing acted on; `target_id` is its id.",
		Extra: `{"type":"string","enum":["workspace","app","key","token","account","user","session","webhook"]}`,
	},
	{
		Name: "AuditEntry", Type: typeOf[model.AuditEntry](),
		Doc: "One admin action in the append-only audit log: who did what, to what, when and from where. Entries are never changed or deleted (the database refuses). `details` are the settings given and other context, per action (below); never a secret.",
		Props: map[string]prop{
			"id":           {Doc: "The entry id; also the `before` cursor.", ID: "aud"},
			"workspace_id": {Doc: "The workspace acted on. Absent for an instance-wide entry.", ID: "ws"},
			"actor_role":   {Doc: "The role of the token that acted, or `system` for what Signet does by itself (`webhook.disable`).", Extra: `{"$ref":null,"anyOf":[{"$ref":"#/components/schemas/Role"},{"const":"system"}]}`},
			"actor_id":     {Doc: "The API token that acted (`tok_…`), `owner` for `SIGNET_ADMIN_TOKEN`, or `signet` for what Signet does by itself.", Extra: `{"pattern":"^(owner|signet|tok_[a-z2-7]{16})$","examples":["tok_k3jq7m2xw4p5r6t7","owner"]}`},
			"action":       {Extra: `{"$ref":"#/components/schemas/AuditAction"}`},
			"target_type":  {Extra: `{"$ref":"#/components/schemas/AuditTargetType"}`},
			"target_id":    {Doc: "The id of what was acted on.", Extra: `{"pattern":"^(ws|app|key|tok|acc|usr|ses|whk)_[a-z2-7]{16}$","examples":["key_k3jq7m2xw4p5r6t7"]}`},
			"details":      {Doc: "Per action: `workspace.create` `{name}`; `app.create` and `app.update` the settings given (any of AppPatch's fields; absent when none); `key.create` `{app_id, imported, weak, fingerprint, algorithm}`; `key.retire` `{app_id, retires_at}`; `key.revoke` `{app_id, sessions_ended}`; `token.create` `{role, name}`; `token.revoke` `{role}`; `account.create` `{email, role}`; `session.revoke` `{user_id}`; `user.sessions.revoke` and `app.sessions.revoke` `{sessions_ended}`; `webhook.create` `{url, events}`; `webhook.update` `{url, events, description, disabled}` (the endpoint after the change); `webhook.rotate` `{overlap_seconds}`; `webhook.delete` `{url}`; `webhook.resend` `{event_id}`; `webhook.disable` `{reason, failing_since}`. Values are JSON as written (numbers keep every digit). Absent when empty."},
			"ip":           {Doc: "The client's address: the connection's peer, or behind a trusted proxy (`--trusted-proxies`) the right-most `X-Forwarded-For` address that is not one.", Extra: `{"examples":["203.0.113.5","2001:db8::1"]}`},
			"user_agent":   {Doc: "The client's User-Agent, cut to 300 bytes. Absent when none.", Extra: `{"maxLength":300}`},
			"at":           {Doc: "When it happened."},
		},
		Extra: `{
  "allOf": [
    {
      "if": {
        "properties": {
          "action": {
            "const": "workspace.create"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "workspace"
          },
          "details": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string",
                "description": "The workspace's name."
              }
            },
            "required": [
              "name"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "app.create"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "app"
          },
          "details": {
            "type": "object",
            "description": "The settings given; the others took their defaults.",
            "properties": {
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "description": "As given."
              },
              "platform": {
                "$ref": "#/components/schemas/Platform",
                "description": "As given."
              },
              "profile": {
                "$ref": "#/components/schemas/Profile",
                "description": "As given."
              },
              "enforcement": {
                "$ref": "#/components/schemas/Enforcement",
                "description": "As given."
              },
              "on_failure": {
                "$ref": "#/components/schemas/OnFailure",
                "description": "As given."
              },
              "full_privacy": {
                "type": "boolean",
                "description": "As given."
              },
              "max_token_lifetime": {
                "type": "integer",
                "minimum": 60,
                "maximum": 86400,
                "description": "As given."
              },
              "user_id_pattern": {
                "type": "string",
                "maxLength": 500,
                "description": "As given."
              },
              "audience_alias": {
                "type": "string",
                "maxLength": 200,
                "description": "As given."
              },
              "jwks_url": {
                "type": "string",
                "maxLength": 2000,
                "description": "As given."
              },
              "one_time_tokens": {
                "type": "boolean",
                "description": "As given."
              }
            },
            "required": [],
            "additionalProperties": false
          }
        }
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "app.update"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "app"
          },
          "details": {
            "type": "object",
            "description": "The settings given (changed or not); the others were kept.",
            "properties": {
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "description": "As given."
              },
              "platform": {
                "$ref": "#/components/schemas/Platform",
                "description": "As given."
              },
              "profile": {
                "$ref": "#/components/schemas/Profile",
                "description": "As given."
              },
              "enforcement": {
                "$ref": "#/components/schemas/Enforcement",
                "description": "As given."
              },
              "on_failure": {
                "$ref": "#/components/schemas/OnFailure",
                "description": "As given."
              },
              "full_privacy": {
                "type": "boolean",
                "description": "As given."
              },
              "max_token_lifetime": {
                "type": "integer",
                "minimum": 60,
                "maximum": 86400,
                "description": "As given."
              },
              "user_id_pattern": {
                "type": "string",
                "maxLength": 500,
                "description": "As given."
              },
              "audience_alias": {
                "type": "string",
                "maxLength": 200,
                "description": "As given."
              },
              "jwks_url": {
                "type": "string",
                "maxLength": 2000,
                "description": "As given."
              },
              "one_time_tokens": {
                "type": "boolean",
                "description": "As given."
              }
            },
            "required": [],
            "additionalProperties": false
          }
        }
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "key.create"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "key"
          },
          "details": {
            "type": "object",
            "properties": {
              "app_id": {
                "type": "string",
                "pattern": "^app_[a-z2-7]{16}$",
                "description": "The key's app.",
                "examples": [
                  "app_k3jq7m2xw4p5r6t7"
                ]
              },
              "imported": {
                "type": "boolean",
                "description": "Imported (true) or generated."
              },
              "weak": {
                "type": "boolean",
                "description": "A secret under 16 bytes imported with force."
              },
              "fingerprint": {
                "type": "string",
                "pattern": "^[0-9a-f]{16}$",
                "description": "The key's fingerprint (never the secret)."
              },
              "algorithm": {
                "type": "string",
                "enum": [
                  "HS256",
                  "ES256",
                  "EdDSA",
                  "RS256"
                ],
                "description": "What the key verifies under: HS256 for a secret, or a public key's algorithm."
              }
            },
            "required": [
              "app_id",
              "imported",
              "weak",
              "fingerprint",
              "algorithm"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "key.retire"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "key"
          },
          "details": {
            "type": "object",
            "properties": {
              "app_id": {
                "type": "string",
                "pattern": "^app_[a-z2-7]{16}$",
                "description": "The key's app.",
                "examples": [
                  "app_k3jq7m2xw4p5r6t7"
                ]
              },
              "retires_at": {
                "type": "string",
                "format": "date-time",
                "description": "The end of its grace period."
              }
            },
            "required": [
              "app_id",
              "retires_at"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "key.revoke"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "key"
          },
          "details": {
            "type": "object",
            "properties": {
              "app_id": {
                "type": "string",
                "pattern": "^app_[a-z2-7]{16}$",
                "description": "The key's app.",
                "examples": [
                  "app_k3jq7m2xw4p5r6t7"
                ]
              },
              "sessions_ended": {
                "type": "integer",
                "minimum": 0,
                "description": "How many live sessions ended."
              }
            },
            "required": [
              "app_id",
              "sessions_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "token.create"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "token"
          },
          "details": {
            "type": "object",
            "properties": {
              "role": {
                "$ref": "#/components/schemas/Role"
              },
              "name": {
                "type": "string",
                "description": "The token's name; \"\" when none."
              }
            },
            "required": [
              "role",
              "name"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "token.revoke"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "token"
          },
          "details": {
            "type": "object",
            "properties": {
              "role": {
                "$ref": "#/components/schemas/Role"
              }
            },
            "required": [
              "role"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.create"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string",
                "description": "The account's email."
              },
              "role": {
                "$ref": "#/components/schemas/Role"
              }
            },
            "required": [
              "email",
              "role"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "session.revoke"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "session"
          },
          "details": {
            "type": "object",
            "properties": {
              "user_id": {
                "type": "string",
                "pattern": "^usr_[a-z2-7]{16}$",
                "description": "The session's user.",
                "examples": [
                  "usr_k3jq7m2xw4p5r6t7"
                ]
              }
            },
            "required": [
              "user_id"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "user.sessions.revoke"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "user"
          },
          "details": {
            "type": "object",
            "properties": {
              "sessions_ended": {
                "type": "integer",
                "minimum": 0,
                "description": "How many live sessions ended."
              }
            },
            "required": [
              "sessions_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "app.sessions.revoke"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "app"
          },
          "details": {
            "type": "object",
            "properties": {
              "sessions_ended": {
                "type": "integer",
                "minimum": 0,
                "description": "How many live sessions ended."
              }
            },
            "required": [
              "sessions_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "app.delete"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "app"
          },
          "details": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string",
                "description": "The deleted app's name."
              },
              "platform": {
                "$ref": "#/components/schemas/Platform"
              },
              "profile": {
                "$ref": "#/components/schemas/Profile"
              },
              "sessions_ended": {
                "type": "integer",
                "minimum": 0,
                "description": "How many live sessions ended."
              }
            },
            "required": [
              "name",
              "platform",
              "profile",
              "sessions_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "workspace.delete"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "workspace"
          },
          "details": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string",
                "description": "The deleted workspace's name."
              },
              "sessions_ended": {
                "type": "integer",
                "minimum": 0,
                "description": "How many live sessions ended."
              }
            },
            "required": [
              "name",
              "sessions_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.disable"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "tokens_ended": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "email",
              "tokens_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.enable"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "tokens_ended": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "email",
              "tokens_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.delete"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "role": {
                "$ref": "#/components/schemas/Role"
              },
              "tokens_ended": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "email",
              "role",
              "tokens_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.role"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "from": {
                "$ref": "#/components/schemas/Role"
              },
              "to": {
                "$ref": "#/components/schemas/Role"
              },
              "workspace_id": {
                "type": "string"
              },
              "tokens_ended": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "email",
              "from",
              "to",
              "workspace_id",
              "tokens_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.password_change"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "tokens_ended": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "email",
              "tokens_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "account.password_reset_issue"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "account"
          },
          "details": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "expires_at": {
                "type": "integer",
                "minimum": 0
              },
              "tokens_ended": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "email",
              "expires_at",
              "tokens_ended"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "webhook.create"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "webhook"
          },
          "details": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "description": "The endpoint's URL."
              },
              "events": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/WebhookEventType"
                },
                "description": "Its event types."
              }
            },
            "required": [
              "events",
              "url"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "webhook.update"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "webhook"
          },
          "details": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "description": "The endpoint's URL."
              },
              "events": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/WebhookEventType"
                },
                "description": "Its event types."
              },
              "description": {
                "type": "string",
                "description": "Its description."
              },
              "disabled": {
                "type": "boolean",
                "description": "Whether deliveries are stopped."
              }
            },
            "required": [
              "description",
              "disabled",
              "events",
              "url"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "webhook.rotate"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "webhook"
          },
          "details": {
            "type": "object",
            "properties": {
              "overlap_seconds": {
                "type": "integer",
                "minimum": 0,
                "description": "How long the previous secret signs too."
              }
            },
            "required": [
              "overlap_seconds"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "webhook.delete"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "webhook"
          },
          "details": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "description": "The endpoint's URL."
              }
            },
            "required": [
              "url"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "webhook.resend"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "webhook"
          },
          "details": {
            "type": "object",
            "properties": {
              "event_id": {
                "type": "string",
                "description": "The delivery's event."
              }
            },
            "required": [
              "event_id"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    },
    {
      "if": {
        "properties": {
          "action": {
            "const": "webhook.disable"
          }
        },
        "required": [
          "action"
        ]
      },
      "then": {
        "properties": {
          "target_type": {
            "const": "webhook"
          },
          "details": {
            "type": "object",
            "properties": {
              "reason": {
                "type": "string",
                "const": "failing",
                "description": "Every attempt failed for a day."
              },
              "failing_since": {
                "type": "string",
                "format": "date-time",
                "description": "The first failure since the last success."
              }
            },
            "required": [
              "failing_since",
              "reason"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "details"
        ]
      }
    }
  ]
}`,
	},
	{
		Name: "AuditList", Type: typeOf[auditList](),
		Doc: "Audit-log entries, newest first.",
	},
	{
		Name: "ReadinessBucket", Type: typeOf[readinessBucket](),
		Doc: "One UTC day's checked logins of one platform and app version.",
		Props: map[string]prop{
			"day":         {Doc: "The UTC day (YYYY-MM-DD).", Extra: `{"examples":["2026-11-21"],"format":"date"}`},
			"platform":    {Doc: "The app's platform when the logins happened."},
			"app_version": {Doc: "The app version the SDK sent at login; an empty string for logins that sent none; `other` for the versions past the 20 kept apart (see getReadiness).", Extra: `{"maxLength":64}`},
			"total":       {Doc: "The logins whose identity was checked: verified, or failed verification.", Extra: `{"minimum":1}`},
			"verified":    {Doc: "Of those, the logins that verified (at most total).", Extra: `{"minimum":0}`},
		},
	},
	{
		Name: "RolloutReadiness", Type: typeOf[rolloutReadiness](),
		Doc: "An app's rollout readiness over a window of UTC days.",
		Props: map[string]prop{
			"app_id":      {Doc: "The app.", ID: "app"},
			"enforcement": {Doc: "The app's enforcement mode now."},
			"days":        {Doc: "The window, in UTC days, today included (the query's days, 7 when not given).", Extra: `{"minimum":1,"maximum":90}`},
			"since":       {Doc: "The window's start: 00:00 UTC, days − 1 days before today.", Extra: `{"pattern":"T00:00:00Z$"}`},
			"truncated":   {Doc: "Always false: the database counts every attempt of the window. Kept for clients that read it (it was true when an older Signet stopped reading at 50,000 attempts)."},
			"buckets":     {Doc: "One per day, platform and app version with at least one checked login, ordered by day, then platform, then app version. Empty when there is none."},
		},
	},
	{
		Name: "SetupTestRequest", Type: typeOf[setupTestRequest](),
		Doc:     "A proof to test, as the SDK or widget sends it at login (the login body's identity fields). Every field is optional; with no digest or token the verdict says what is missing.",
		Request: true,
		Props: map[string]prop{
			"user_id":        {Doc: "The user id (uid). At most 1024 bytes, no control characters.", Extra: `{"maxLength":1024}`},
			"email":          {Doc: "The email. At most 1024 bytes, no control characters.", Extra: `{"maxLength":1024}`},
			"user_hash":      {Doc: "The digest of an HMAC profile (" + digestProfiles() + "). Over 8 KiB is a failed proof (`too_large`)."},
			"identity_token": {Doc: "The JWT of a JWT profile (helpshift-userhub, pylon-jwt, signet). Over 8 KiB is a failed proof (`too_large`)."},
		},
	},
	{
		Name: "SignedIdentity", Type: typeOf[verify.Identity](),
		Doc:  "An identity a valid proof's signature covers, exactly as signed.",
		Omit: []string{"metadata"}, // testSetup copies the type and value only
	},
	{
		Name: "SetupTestVerdict", Type: typeOf[testAnswer](),
		Doc: "The verdict on a tested proof, shaped like `signet verify --json`, plus the key that verified.",
		Props: map[string]prop{
			"valid":      {Doc: "True when a login with this proof would verify."},
			"reason":     {Doc: "Why the proof fails: the code a login would be refused with. Absent when valid."},
			"cause":      {Doc: "The doctor's finding for a failed proof. Absent when valid, or when the doctor has nothing to add to the reason."},
			"message":    {Doc: "The verdict in words, for the brand's developers."},
			"diagnosis":  {Doc: "The doctor's explanation. Absent when there is no cause."},
			"key_id":     {Doc: "The app's key that verified the proof. Absent when not valid.", ID: "key"},
			"identities": {Doc: "The identities the signature covers, exactly as signed. Empty when not valid."},
		},
		Extra: `{
  "dependentRequired": {
    "cause": [
      "diagnosis"
    ],
    "diagnosis": [
      "cause"
    ]
  },
  "allOf": [
    {
      "if": {
        "properties": {
          "valid": {
            "const": true
          }
        }
      },
      "then": {
        "required": [
          "key_id"
        ],
        "properties": {
          "identities": {
            "minItems": 1
          }
        },
        "not": {
          "anyOf": [
            {
              "required": [
                "reason"
              ]
            },
            {
              "required": [
                "cause"
              ]
            },
            {
              "required": [
                "diagnosis"
              ]
            }
          ]
        }
      },
      "else": {
        "required": [
          "reason"
        ],
        "properties": {
          "identities": {
            "maxItems": 0
          }
        },
        "not": {
          "required": [
            "key_id"
          ]
        }
      }
    }
  ]
}`,
	},
	{
		Name: "WorkspaceCreate", Type: typeOf[workspaceRequest](),
		Request:  true,
		Required: []string{"name"},
		Props: map[string]prop{
			"name": {Doc: "The brand's name, at most 200 bytes.", Extra: `{"minLength":1,"maxLength":200}`},
		},
	},
}

var errorAnswers = []errorAnswer{
	{Name: "BadRequest", Status: 400, Codes: []string{"invalid_request", "invalid_json", "unknown_field"},
		Doc: "The request is wrong: `invalid_json` (not JSON, empty, not an object, a field of the wrong type, a Content-Type other than application/json or text/plain), `unknown_field` (a field this endpoint does not take), or `invalid_request` (a field is missing or out of range; the message names it)."},
	{Name: "BadKeyRequest", Status: 400, Codes: []string{"invalid_request", "invalid_json", "unknown_field", "weak_secret"},
		Doc: "The request is wrong: as other 400s, plus `invalid_request` for a secret the app's profile cannot use (pylon-hmac needs hex) and `weak_secret` for one shorter than 16 bytes (send \"force\": true to import it anyway)."},
	{Name: "BadQuery", Status: 400, Codes: []string{"invalid_request"},
		Doc: "A query parameter is out of range: `invalid_request`."},
	{Name: "Unauthorized", Status: 401, Codes: []string{"unauthenticated"},
		Doc: "No API token, or an unknown or revoked one: `unauthenticated`."},
	{Name: "SessionUnauthorized", Status: 401, Codes: []string{"unauthenticated", "session_expired", "session_revoked"},
		Doc: "`unauthenticated` (no session token, or an unknown one), `session_expired` (log in again with a freshly signed identity) or `session_revoked` (the session was ended)."},
	{Name: "LoginRejected", Status: 401, Codes: strs(verify.Reasons()...),
		Doc: "Identity verification failed on an app that enforces with on_failure `reject`. The code is the reason (profiles.md); the brand's admins see the doctor's cause in the verification log. The web widget shows \"authentication failed\"."},
	{Name: "Forbidden", Status: 403, Codes: []string{"forbidden"},
		Doc: "The token may not do this: an agent token on keys or settings, or a workspace token on an owner-only action: `forbidden`."},
	{Name: "NotFound", Status: 404, Codes: []string{"not_found"},
		Doc: "No such thing, or it is not the caller's to see (Signet never tells which): `not_found`."},
	{Name: "Conflict", Status: 409, Codes: []string{"conflict"},
		Doc: "The state forbids it: `conflict`."},
	{Name: "LoginRace", Status: 409, Codes: []string{"conflict"},
		Doc: "Concurrent logins for the same identity kept racing: `conflict`. Log in again."},
	{Name: "PayloadTooLarge", Status: 413, Codes: []string{"body_too_large"},
		Doc: "The body is over 64 KiB: `body_too_large`."},
	{Name: "Internal", Status: 500, Codes: []string{"internal"},
		Doc: "A fault of Signet's: `internal`. The details are in the server's log only."},
	{Name: "Unavailable", Status: 503, Codes: []string{"unavailable"},
		Doc:     "Signet's database is unreachable or the node is shutting down: `unavailable`. Retry later or on another node. Nothing was written.",
		Headers: `{"Retry-After":{"description":"Seconds to wait before retrying, when the database could not serve the request.","required":false,"schema":{"type":"integer","minimum":1}}}`},
	{Name: "BadMessage", Status: 400, Codes: []string{"invalid_request", "invalid_json", "unknown_field"},
		Doc: "The request is wrong: `invalid_json` (not JSON, empty, not an object, a field of the wrong type), `unknown_field` (a field this endpoint does not take), or `invalid_request`: the text is missing, only white space, longer than 10,000 bytes, not UTF-8, or holds a control character other than \\n, \\r and \\t."},
	{Name: "PasswordRateLimited", Status: 429, Codes: []string{"rate_limited"},
		Doc: "Too many wrong current passwords: wait `Retry-After` seconds."},
	{Name: "IssueRateLimited", Status: 429, Codes: []string{"rate_limited"},
		Doc:     "More than 5 new issues in a minute from this session: `rate_limited`. Retry after the number of seconds in Retry-After.",
		Headers: `{"Retry-After":{"description":"Seconds to wait before retrying (the window is the last minute).","required":true,"schema":{"type":"integer","minimum":1}}}`},
	{Name: "MessageRateLimited", Status: 429, Codes: []string{"rate_limited"},
		Doc:     "More than 30 messages in a minute from this session (first messages of issues included): `rate_limited`. Retry after the number of seconds in Retry-After.",
		Headers: `{"Retry-After":{"description":"Seconds to wait before retrying (the window is the last minute).","required":true,"schema":{"type":"integer","minimum":1}}}`},
	{Name: "StreamUnavailable", Status: 503, Codes: []string{"unavailable"},
		Doc: "`unavailable`: live updates are not enabled on this server, its database is unreachable, or the node is shutting down. Poll the lists instead, or retry later or on another node."},
	{Name: "LoginRateLimited", Status: 429, Codes: []string{"rate_limited"},
		Doc:     "`rate_limited`, before verification: the identity (the `user_id` and `email` sent, in this workspace) or the client address used up its failed verifications in the current window (by default 10 per identity and 100 per address in 15 minutes, counted from the first failure). Or, after a valid signature, a suspicious-activity signal fired (a verified login right after a burst of failures of that identity, or one user on too many devices at once): every session of the user, the new one included, has ended. Retry after the number of seconds in Retry-After.",
		Headers: `{"Retry-After":{"description":"Seconds until the window ends (at least 1).","required":true,"schema":{"type":"integer","minimum":1}}}`},
	{Name: "KeyConflict", Status: 409, Codes: []string{"conflict"},
		Doc: "`conflict`: the secret already serves an app of this workspace under another profile. One secret never serves two profiles (a proof made for one could be replayed as the other): generate a secret for this app, or revoke the other app's key first."},
	{Name: "AuditForbidden", Status: 403, Codes: []string{"forbidden"},
		Doc: "`forbidden`: an agent token (the audit log is for admins), or, on the instance-wide log, any token but an owner's."},
}

var pathParamDocs = map[string]struct{ Doc, Prefix string }{
	"app":     {"An app id (app_…).", "app"},
	"issue":   {"An issue id (iss_…).", "iss"},
	"ws":      {"A workspace id (ws_…).", "ws"},
	"key":     {"A key id (key_…).", "key"},
	"token":   {"An API token's id (tok_…), not its text.", "tok"},
	"user":    {"A user id (usr_…).", "usr"},
	"session": {"A session id (ses_…).", "ses"},
	"webhook": {"A webhook endpoint's id (whk_…).", "whk"},
	"event":   {"An event's id (evt_…), the `webhook-id` its deliveries carry.", "evt"},
	"account": {"An account id (acc_…).", "acc"},
}

var securityHeaderDocs = map[string]struct{ Doc, Value string }{
	"Content-Security-Policy":    {"`default-src 'none'; frame-ancestors 'none'`. The API serves JSON and event streams, never a page: nothing may load, run or frame it.", "default-src 'none'; frame-ancestors 'none'"},
	"X-Frame-Options":            {"`DENY`. No page may frame an answer (for browsers without CSP frame-ancestors).", "DENY"},
	"Cross-Origin-Opener-Policy": {"`same-origin`. An answer opened as a document gets a browsing context of its own.", "same-origin"},
	"X-Content-Type-Options":     {"`nosniff`. Browsers must not guess another media type than Content-Type's.", "nosniff"},
	"Referrer-Policy":            {"`no-referrer`. No Referer is sent from an answer.", "no-referrer"},
}

// apiInfo is the document's title and introduction.
var apiInfo = struct{ Title, Version, Summary, Doc string }{
	"Signet", "1", "Identity verification for in-app support chat.",
	"Signet proves *who* is chatting. A brand's backend signs its logged-in user's identity with a secret only the brand and Signet know; the mobile SDK or web widget sends that signature when it logs the user in (`POST /v1/apps/{app}/login`); Signet verifies it and only then treats the user as that person.\n\n" +
		"**Three APIs.** The SDK API (`/v1/`) is called by the SDK and widget, from any origin, with a session token: log in, then talk to support (issues, messages, live updates). The admin API (`/api/admin/`) is called by the brand's admins and scripts with an API token: create a workspace and apps, generate or import keys, switch enforcement on, and read the verification log to see why a signature fails. The agent API (`/api/agent/`) is the support inbox, with an API token of the workspace: issues, their messages, replies, the user panel (which identities are verified), and live updates.\n\n" +
		"**Who sees which conversation.** A session sees the issues of its user, and users are shared between logins only when verified: a verified user sees their issues from every device and app of the workspace; an unverified or anonymous login only what it created. Anyone else's issue answers 404, never 403.\n\n" +
		"**Errors.** Every error is an HTTP status and `{\"error\": {\"code\": CODE, \"message\": TEXT}}`. Codes are stable (see the ErrorCode schema); messages are for people and may change.\n\n" +
		"**Bodies.** Send JSON with `Content-Type: application/json`, at most 64 KiB. Unknown fields are refused (400 `unknown_field`), so a typo never goes unnoticed. Times are RFC 3339 strings in UTC. Fields documented as \"absent when…\" are left out rather than null.\n\n" +
		"**Ids** are a kind prefix and 16 base32 characters: `ws_`, `app_`, `key_`, `tok_`, `acc_`, `usr_`, `ses_`, `att_`, `iss_` (issues), `msg_` (messages), `aud_` (audit-log entries). An id that is malformed, unknown, or of another workspace answers 404, so existence never leaks.\n\n" +
		"**Live updates** are server-sent events (`text/event-stream`): `GET /v1/events` for a session, `GET /api/agent/workspaces/{ws}/events` for agents. Each event is `event: NAME` and one `data:` line of JSON (the media type's `x-sse-events` maps each name to its schema); comment lines (`: connected` once the stream listens, `: ping` every 15 seconds) keep it open. An event says what changed; after a reconnect, re-read the lists (events missed while away are not replayed). A server with live updates off answers 503 `unavailable`.\n\n" +
		"**Security headers.** Every answer carries `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`, `X-Frame-Options: DENY`, `Cross-Origin-Opener-Policy: same-origin`, `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` (documented on each answer): the API serves JSON and event streams, never a page, so nothing may load, run or frame it. `/api/` and `/v1/` answers also carry `Cache-Control: no-store`; `/v1/` answers are open to every origin (CORS, bearer tokens, no cookies) and expose `Retry-After`.",
}

// apiTags group the routes (Route.Tag), in this order.
var apiTags = []struct{ Name, Doc string }{
	{"SDK", "Called by the mobile SDK and the web widget: log in, read the session, log out. CORS is open to every origin (bearer tokens, no cookies)."},
	{"Conversations", "Called by the SDK and the web widget with a session token: the session user's support issues, their messages, and live updates. Someone else's issue answers 404."},
	{"Agent", "The support inbox of one workspace, for its agents and admins (API token): issues, messages, replies, resolve and reopen, the user panel, live updates. A token of another workspace gets 404."},
	{"Workspaces", "A workspace is one brand."},
	{"Apps", "One app per platform, each with its profile, enforcement mode and failure behaviour."},
	{"Keys", "The secrets a brand's backend signs with: generate, import, rotate with overlap, revoke. Admins only: agents never see keys."},
	{"API tokens", "Bearer tokens for scripts and integrations, limited to one workspace and role."},
	{"Accounts", "People who sign in to the dashboard."},
	{"Users", "End users and their verified and claimed identities."},
	{"Rollout", "Before an app enforces verification: how many of its logins verify (rollout readiness), and a proof tested against its setup with the doctor (test your setup). Admins only."},
	{"Sessions", "SDK and widget sessions: list them, end one, all of a user's or all of an app's."},
	{"Verification log", "Every login attempt with its reason and the doctor's cause; identity conflicts."},
	{"Audit log", "Who changed what, when and from where: every admin action, append-only."},
	{"Operations", "Health, readiness, metrics and this document. No authentication."},
	{"Webhooks", "Endpoints of a brand's backend that Signet tells of events in the workspace (an agent's message, a spike of failed verifications, a key made or revoked…), signed as Standard Webhooks specifies and retried for a day. Admins only: agents never see webhooks."},
}

// credentials are the security schemes (Route.Auth).
var credentials = []struct {
	Auth   Auth
	Format string
	Doc    string
}{
	{APIToken, "sat_… API token",
		"`Authorization: Bearer TOKEN` with an API token. Roles:\n\n" +
			"- **owner**: the instance's operator; every workspace, and the only role that creates workspaces. `SIGNET_ADMIN_TOKEN` (32+ characters, set when the server starts) is an owner token, as is the one-time token a fresh server prints.\n- **admin**: one workspace: apps, keys, settings, API tokens, accounts, sessions, the verification log.\n- **agent**: one workspace's users and their identities, and its support inbox (`/api/agent/`); never keys or settings (403 `forbidden`).\n\n" +
			"A missing, unknown, revoked or expired token answers 401 `unauthenticated`; a workspace token on another workspace's things answers 404."},
	{SessionToken, "sst_… session token",
		"`Authorization: Bearer SESSION_TOKEN`, the session_token that login answered. An expired session answers 401 `session_expired` (log in again with a freshly signed identity), an ended one 401 `session_revoked`, any other missing or bad token 401 `unauthenticated`."},
}

// strs is the values of a string type, as strings.
func strs[T ~string](v ...T) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = string(x)
	}
	return out
}

// profileDoc describes every registered profile with its summary and the
// login field its proof goes in (verify.Description).
func profileDoc() string {
	var b strings.Builder
	b.WriteString("The signing scheme the app's backend uses (profiles.md):")
	for _, p := range verify.Profiles() {
		field := "user_hash"
		if p.IsJWT() {
			field = "identity_token"
		}
		fmt.Fprintf(&b, "\n- `%s`: %s (%s)", p, p.Description().Summary, field)
		if p == verify.Signet { // what an app gets when it names none
			b.WriteString("; the default")
		}
	}
	return b.String()
}

// digestProfiles lists the profiles whose proof is a digest.
func digestProfiles() string {
	var names []string
	for _, p := range verify.Profiles() {
		if !p.IsJWT() {
			names = append(names, string(p))
		}
	}
	return strings.Join(names, ", ")
}
