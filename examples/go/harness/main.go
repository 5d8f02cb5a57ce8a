// Command harness runs the Go snippets for examples/snippets_test.go: it reads
// one JSON request per line on stdin and prints, for each, the digest or token
// the snippet makes, or "error: " and why the snippet refused.
//
//	echo '{"profile":"intercom","secret":"…","uid":"user-42"}' | go run ./examples/go/harness
//
// With -stdlib, tokens come from the standard-library-only snippets.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	signing "github.com/signet-id/signet/examples/go"
	"github.com/signet-id/signet/examples/go/stdlib"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// request is one line of input; see examples/README.md.
type request struct {
	Profile     string            `json:"profile"`
	Secret      string            `json:"secret"`
	UID         string            `json:"uid"`
	Email       string            `json:"email"`
	Identifier  string            `json:"identifier"`
	FullPrivacy bool              `json:"full_privacy"`
	AppID       string            `json:"app_id"`
	KeyID       string            `json:"kid"`
	IssuedAt    int64             `json:"iat"`
	ExpiresAt   int64             `json:"exp"`
	Name        string            `json:"name"`
	Identities  []stdlib.Identity `json:"identities"`
	Attributes  map[string]string `json:"attributes"`
	PrivateKey  string            `json:"private_key"`
}

func main() {
	useStdlib := flag.Bool("stdlib", false, "sign tokens with the standard-library-only snippets")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 64<<10), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		if len(in.Bytes()) == 0 {
			continue
		}
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(out, "error: the request is not JSON")
			continue
		}
		proof, err := run(r, *useStdlib)
		if err != nil {
			fmt.Fprintln(out, "error:", err)
			continue
		}
		fmt.Fprintln(out, proof)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		out.Flush()
		os.Exit(1)
	}
}

func run(r request, useStdlib bool) (string, error) {
	switch r.Profile {
	case "helpshift-legacy":
		return signing.HelpshiftLegacyUserHash(r.Secret, r.UID, r.Email, r.FullPrivacy)
	case "intercom":
		return signing.IntercomUserHash(r.Secret, r.UID, r.Email)
	case "akece":
		id := r.Identifier
		if id == "" {
			id = r.UID
		}
		return signing.AkeceIdentifierHash(r.Secret, id)
	case "pylon-hmac":
		return signing.PylonEmailHash(r.Secret, r.Email)
	case "helpscout":
		return signing.HelpScoutSignature(r.Secret, r.Email)
	case "front":
		return signing.FrontUserHash(r.Secret, r.UID, r.Email)
	case "plain":
		return signing.PlainEmailHash(r.Secret, r.Email)
	case "gleap":
		return signing.GleapUserHash(r.Secret, r.UID)
	}
	ids := r.Identities
	if ids == nil {
		if r.UID != "" {
			ids = append(ids, stdlib.Identity{Identifier: "uid", Value: r.UID})
		}
		if r.Email != "" {
			ids = append(ids, stdlib.Identity{Identifier: "email", Value: r.Email})
		}
	}
	if useStdlib {
		return runStdlib(r, ids)
	}
	c, err := claims(r, ids)
	if err != nil {
		return "", err
	}
	switch r.Profile {
	case "helpshift-userhub":
		return signing.HelpshiftUserHubToken(r.Secret, c)
	case "pylon-jwt":
		c.Email = r.Email
		return signing.PylonChatWidgetToken(r.Secret, r.AppID, c)
	case "signet":
		if r.PrivateKey != "" {
			return signing.SignetTokenES256(r.PrivateKey, r.KeyID, r.AppID, c)
		}
		return signing.SignetToken(r.Secret, r.KeyID, r.AppID, c)
	case "kustomer":
		return signing.KustomerToken(r.Secret, c)
	case "freshdesk-widget":
		return signing.FreshdeskWidgetToken(r.Secret, c)
	case "intercom-jwt":
		return signing.IntercomMessengerToken(r.Secret, c)
	case "zendesk-messaging":
		return signing.ZendeskMessagingToken(r.Secret, r.KeyID, c)
	case "drift":
		return signing.DriftUserToken(r.Secret, c)
	}
	return "", errors.New("unknown profile")
}

func runStdlib(r request, ids []stdlib.Identity) (string, error) {
	switch r.Profile {
	case "helpshift-userhub":
		return stdlib.HelpshiftUserHubToken(r.Secret, stdlib.HelpshiftClaims{IssuedAt: r.IssuedAt, Identities: ids})
	case "pylon-jwt":
		a := r.Attributes
		return stdlib.PylonChatWidgetToken(r.Secret, stdlib.PylonClaims{Email: r.Email, Name: r.Name, Audience: r.AppID,
			IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt, AccountID: a["account_id"], AccountExternalID: a["account_external_id"],
			ContactID: a["contact_id"], ContactExternalID: a["contact_external_id"]})
	case "signet":
		if r.PrivateKey != "" {
			return stdlib.SignetTokenES256(r.PrivateKey, r.KeyID, stdlib.SignetClaims{Audience: r.AppID, IssuedAt: r.IssuedAt,
				ExpiresAt: r.ExpiresAt, Name: r.Name, Identities: ids})
		}
		return stdlib.SignetToken(r.Secret, r.KeyID, stdlib.SignetClaims{Audience: r.AppID, IssuedAt: r.IssuedAt,
			ExpiresAt: r.ExpiresAt, Name: r.Name, Identities: ids})
	case "kustomer":
		return stdlib.KustomerToken(r.Secret, stdlib.KustomerClaims{ExternalID: r.UID, Email: r.Email, IssuedAt: r.IssuedAt})
	case "freshdesk-widget":
		now := time.Now()
		if r.IssuedAt != 0 {
			now = time.Unix(r.IssuedAt, 0)
		}
		return stdlib.FreshdeskWidgetToken(r.Secret, stdlib.FreshdeskClaims{Name: r.Name, Email: r.Email, ExpiresAt: r.ExpiresAt}, now)
	case "intercom-jwt":
		return stdlib.IntercomMessengerToken(r.Secret, stdlib.IntercomClaims{UserID: r.UID, Email: r.Email,
			IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt})
	case "zendesk-messaging":
		return stdlib.ZendeskMessagingToken(r.Secret, r.KeyID, stdlib.ZendeskClaims{ExternalID: r.UID, Name: r.Name,
			Email: r.Email, IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt})
	case "drift":
		return stdlib.DriftUserToken(r.Secret, stdlib.DriftClaims{Subject: r.UID, IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt})
	}
	return "", errors.New("unknown profile")
}

// claims maps the request onto sign.Claims, which signs the uid, then the
// email (the first of them carrying Metadata), then the other identities.
func claims(r request, ids []stdlib.Identity) (sign.Claims, error) {
	c := sign.Claims{Name: r.Name, Attributes: r.Attributes}
	if r.IssuedAt != 0 {
		c.IssuedAt = time.Unix(r.IssuedAt, 0)
	}
	if r.ExpiresAt != 0 {
		c.ExpiresAt = time.Unix(r.ExpiresAt, 0)
	}
	var order []string
	for i, id := range ids {
		switch id.Identifier {
		case "uid", "email":
			if id.Identifier == "uid" {
				c.UserID = id.Value
			} else {
				c.Email = id.Value
			}
			if len(id.Metadata) > 0 {
				if i != 0 {
					return c, errors.New("sign.Claims carries metadata on the first identity only")
				}
				c.Metadata = id.Metadata
			}
		default:
			c.Identities = append(c.Identities, verify.Identity{Type: verify.IdentityType(id.Identifier), Value: id.Value, Metadata: id.Metadata})
		}
	}
	if c.UserID != "" {
		order = append(order, "uid")
	}
	if c.Email != "" {
		order = append(order, "email")
	}
	for _, id := range c.Identities {
		order = append(order, string(id.Type))
	}
	for i, id := range ids {
		if i >= len(order) || order[i] != id.Identifier {
			return c, errors.New("sign.Claims signs the uid, then the email, then the other identities")
		}
	}
	return c, nil
}
