package main

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

const signHelp = `Usage: signet sign --profile P --secret S [identity flags] [token flags]

Prints the digest (user_hash) or token (identity_token) that your backend
would send for this user, alone on one line — exactly what the vendor's own
sample code would produce, so you can compare it with yours.

Examples:
  signet sign --profile helpshift-legacy --secret "$SECRET" --uid user-42 --email jane@example.com
  signet sign --profile intercom --secret "$IOS_SECRET" --uid user-42
  signet sign --profile pylon-hmac --secret "$HEX_SECRET" --email jane@example.com
  signet sign --profile helpshift-userhub --secret "$SECRET" --uid user-42 --identity steam_id=7656
  signet sign --profile pylon-jwt --secret "$SECRET" --aud "$APP_ID" --email jane@example.com --name Jane
  signet sign --profile signet --secret "$SECRET" --kid k_1 --aud "$APP_ID" --uid user-42
  signet sign --profile signet --private-key brand-key.pem --kid "$KEY_ID" --aud "$APP_ID" --uid user-42
  signet sign --profile zendesk-messaging --secret "$SECRET" --kid "$ZENDESK_KEY_ID" --uid user-42 --email jane@example.com

--private-key signs a signet token with the private key of a key pair
(PEM: PKCS #8, SEC 1 or PKCS #1) instead of a secret: an ECDSA P-256 key
signs ES256, an Ed25519 key EdDSA, an RSA key RS256.

Tokens get iat = now unless --iat is given (freshdesk-widget tokens carry
no iat: --iat is their "now"); pylon-jwt, signet and freshdesk-widget tokens
expire 10 minutes after iat unless --exp is given; intercom-jwt,
zendesk-messaging, drift and kustomer tokens carry an exp only with --exp. A
zendesk-messaging email is signed with email_verified: true.
`

func runSign(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("sign", signHelp, stderr)
	profile := fs.String("profile", "", "the verification profile: "+fmt.Sprint(verify.Profiles()))
	var secret secretFlags
	secret.register(fs)
	privateKey := fs.String("private-key", "", "sign a signet token with the private key in this PEM `file` (ES256, EdDSA or RS256) instead of a secret")
	var ids identityFlags
	ids.register(fs)
	aud := fs.String("aud", "", "the app id, which pylon-jwt and signet tokens name as their audience")
	kid := fs.String("kid", "", "the key id, which signet and zendesk-messaging tokens name in their kid header")
	name := fs.String("name", "", "the user's display name (pylon-jwt, signet, zendesk-messaging, freshdesk-widget)")
	fullPrivacy := fs.Bool("full-privacy", false, "helpshift-legacy with full privacy: sign the user id only")
	var iat, exp unixFlag
	fs.Var(&iat, "iat", "the token's issue time, in UNIX `seconds` (default now)")
	fs.Var(&exp, "exp", "the token's expiry, in UNIX `seconds`")
	var metadata pairList
	fs.Var(&metadata, "metadata", "metadata `KEY=VALUE` attached to the uid (or email) identity (repeatable)")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	p, err := verify.ParseProfile(*profile)
	if err != nil {
		return usageError(stderr, "sign", errors.New("--profile: "+err.Error()))
	}
	var s string
	var priv crypto.Signer
	if *privateKey != "" {
		if p != verify.Signet {
			return usageError(stderr, "sign", fmt.Errorf("--private-key signs signet tokens; %s is signed with a shared secret", p))
		}
		if priv, err = readPrivateKey(*privateKey); err != nil {
			return usageError(stderr, "sign", err)
		}
	} else if s, err = secret.value(getenv); err != nil {
		return usageError(stderr, "sign", err)
	}
	uid, email, others, attrs, err := ids.resolve()
	if err != nil {
		return usageError(stderr, "sign", err)
	}
	if !p.IsJWT() && (len(others) > 0 || len(attrs) > 0 || iat.set || exp.set || *name != "" || len(metadata) > 0) {
		return usageError(stderr, "sign", fmt.Errorf("%s signs a digest of the user id or email only; --identity, --attr, --iat, --exp, --name and --metadata are for token profiles", p))
	}
	if err := missingSignFlag(p, uid, email, *kid, *aud, *fullPrivacy); err != nil {
		return usageError(stderr, "sign", err)
	}
	claims := sign.Claims{UserID: uid, Email: email, Identities: others, Attributes: attrs, Name: *name}
	if iat.set {
		claims.IssuedAt = iat.time()
	}
	if exp.set {
		claims.ExpiresAt = exp.time()
	}
	for _, m := range metadata {
		if claims.Metadata == nil {
			claims.Metadata = map[string]string{}
		}
		claims.Metadata[m.name] = m.value
	}
	signer := sign.Signer{Profile: p, Secret: s, PrivateKey: priv, KeyID: *kid, AppID: *aud, FullPrivacy: *fullPrivacy, Now: time.Now}
	out, err := signer.Sign(claims)
	if err != nil {
		return usageError(stderr, "sign", err)
	}
	fmt.Fprintln(stdout, out)
	return exitValid
}

// missingSignFlag names the flag that profile p needs and did not get, so
// the error says what to add rather than what the library lacks.
func missingSignFlag(p verify.Profile, uid, email, kid, aud string, fullPrivacy bool) error {
	d := p.Description()
	switch {
	case p.KeyByKid() && kid == "":
		return fmt.Errorf("--kid is required for the %s profile: its tokens name their key id in the kid header", p)
	case d.Proof == verify.ProofJWT && d.Kid != verify.KidOptional && kid == "":
		return fmt.Errorf("--kid is required for the %s profile: its tokens carry a kid header (the vendor's key id)", p)
	case p.NeedsAudience() && aud == "":
		return fmt.Errorf("--aud is required for the %s profile: give --aud with the app id its tokens name as their audience", p)
	case d.Requires == verify.Email && email == "":
		if uid != "" {
			return fmt.Errorf("--email is required for the %s profile: it signs the email, not a user id", p)
		}
		return fmt.Errorf("--email is required for the %s profile: it signs the email", p)
	case d.Requires == verify.UID && uid == "":
		return fmt.Errorf("--uid is required for the %s profile: it signs the user id", p)
	case d.Proof == verify.ProofDigest && fullPrivacy && uid == "":
		return fmt.Errorf("--uid is required for the %s profile with --full-privacy: the digest covers the user id only", p)
	case uid == "" && email == "":
		return fmt.Errorf("--uid or --email is required for the %s profile: neither a user id nor an email was given", p)
	}
	return nil
}

// readPrivateKey reads a private key from a PEM file: PKCS #8 ("PRIVATE
// KEY"), SEC 1 ("EC PRIVATE KEY") or PKCS #1 ("RSA PRIVATE KEY"). Errors
// never hold the key.
func readPrivateKey(file string) (crypto.Signer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--private-key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("--private-key: the file holds no PEM block")
	}
	var k any
	switch block.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("--private-key: a PEM block %q is not a private key", block.Type)
	}
	if err != nil {
		return nil, errors.New("--private-key: the PEM block is not a valid private key")
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("--private-key: this kind of key cannot sign")
	}
	return signer, nil
}
