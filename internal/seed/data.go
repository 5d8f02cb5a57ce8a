package seed

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

const (
	day   = 24 * time.Hour
	month = 30 * day // the span of the seeded verification log
)

// Streams keep each kind of row's randomness apart, so that changing one
// count (more attempts) leaves the other rows as they were.
const (
	streamWorkspace = iota + 1
	streamApp
	streamKey
	streamUser
	streamAttempt
	streamSession
)

// idEncoding is model.NewID's alphabet: seeded ids pass model.ValidID.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// seededApp is an app with its one key.
type seededApp struct {
	model.App
	ws     int // index of its workspace
	keyID  string
	secret string
}

// generator makes the data set from cfg: the same cfg, the same rows.
type generator struct {
	cfg    Config
	spaces []model.Workspace
	apps   []seededApp
}

func newGenerator(cfg Config) *generator {
	g := &generator{cfg: cfg}
	// One ChaCha8 stream for the secrets, keyed by the seed.
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], cfg.Rand)
	secrets := rand.NewChaCha8(sha256.Sum256(append([]byte("signet seed secrets "), seed[:8]...)))
	born := cfg.Now.Add(-400 * day)
	for w := range cfg.Workspaces {
		g.spaces = append(g.spaces, model.Workspace{ID: g.id("ws", streamWorkspace, uint64(w)),
			Name: fmt.Sprintf("Seeded workspace %d", w+1), CreatedAt: born})
	}
	profiles := []verify.Profile{verify.Signet, verify.Signet, verify.Signet, verify.Signet, verify.Signet,
		verify.Signet, verify.Intercom, verify.Intercom, verify.HelpshiftUserHub, verify.PylonJWT}
	platforms := []model.Platform{model.PlatformIOS, model.PlatformAndroid, model.PlatformWeb}
	for i := range cfg.Apps {
		a := seededApp{ws: i % cfg.Workspaces}
		created := born.Add(time.Duration(i) * time.Minute)
		a.App = model.App{ID: g.id("app", streamApp, uint64(i)), WorkspaceID: g.spaces[a.ws].ID,
			Platform: platforms[i%len(platforms)], Profile: profiles[i%len(profiles)],
			Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject,
			MaxTokenLifetime: int64(verify.DefaultMaxLifetime / time.Second), CreatedAt: created, UpdatedAt: created}
		a.Name = fmt.Sprintf("Seeded %s app %05d", a.Platform, i)
		if i%4 == 1 {
			a.Enforcement = model.EnforcementMonitor // still migrating
		}
		if a.Platform != model.PlatformWeb {
			a.OnFailure = model.OnFailureAnonymous // the mobile SDKs' way
		}
		a.keyID = g.id("key", streamKey, uint64(i))
		// As keyring.Generate, from the seeded stream: 256 bits, hex for
		// profiles that hex-decode their secret, base64url otherwise.
		var b [32]byte
		secrets.Read(b[:])
		if a.Profile.HexSecret() {
			a.secret = hex.EncodeToString(b[:])
		} else {
			a.secret = base64.RawURLEncoding.EncodeToString(b[:])
		}
		g.apps = append(g.apps, a)
	}
	return g
}

// createTenants stores the workspaces, apps and keys through the store,
// keys sealed as the admin API seals them. PostgreSQL takes a few writers
// at once; SQLite has one.
func (g *generator) createTenants(ctx context.Context, st store.Store, box *secretbox.Box) error {
	for i := range g.spaces {
		if err := st.CreateWorkspace(ctx, &g.spaces[i], nil); err != nil {
			return fmt.Errorf("create workspace: %w", err)
		}
	}
	workers := 4
	if strings.HasPrefix(g.cfg.Database, "sqlite:") {
		workers = 1
	}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int)
	)
	ctx2, cancel := context.WithCancel(ctx)
	defer cancel()
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := g.createApp(ctx2, st, box, &g.apps[i]); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		})
	}
	for i := range g.apps {
		if ctx2.Err() != nil {
			break
		}
		next <- i
		if i > 0 && i%2000 == 0 {
			g.cfg.progress("  apps: %d", i)
		}
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

func (g *generator) createApp(ctx context.Context, st store.Store, box *secretbox.Box, a *seededApp) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := st.CreateApp(ctx, &a.App, nil); err != nil {
		return fmt.Errorf("create app: %w", err)
	}
	// keyring.New with the seeded key id.
	k := &model.Key{ID: a.keyID, AppID: a.ID, WorkspaceID: a.WorkspaceID, Sealed: box.Seal([]byte(a.secret), a.keyID),
		Fingerprint: keyring.Fingerprint(box, a.secret), CreatedAt: a.CreatedAt}
	if err := st.CreateKey(ctx, k, nil); err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	return nil
}

// manifest names the workspaces, the busiest apps with their secrets, and
// the users.
func (g *generator) manifest() *Manifest {
	c := g.cfg
	m := &Manifest{Rand: c.Rand, Now: c.Now, Users: ManifestUsers{Count: c.Users, UIDFormat: UIDFormat,
		EmailFormat: EmailFormat, Workspace: "user i belongs to workspaces[i % len(workspaces)]; it may log in on every app of that workspace"},
		Counts: Counts{Workspaces: len(g.spaces), Apps: len(g.apps), Keys: len(g.apps), Users: c.Users,
			Identities: 2 * c.Users, Attempts: c.Attempts, Sessions: c.Sessions}}
	for _, w := range g.spaces {
		m.Workspaces = append(m.Workspaces, ManifestSpace{ID: w.ID, Name: w.Name})
	}
	for _, a := range g.apps[:min(c.ExportApps, len(g.apps))] {
		m.Apps = append(m.Apps, ManifestApp{ID: a.ID, WorkspaceID: a.WorkspaceID, Platform: string(a.Platform),
			Profile: string(a.Profile), Enforcement: string(a.Enforcement), KeyID: a.keyID, Secret: a.secret})
	}
	return m
}

// table is one table's seeded rows, made one at a time, in order.
type table struct {
	name    string
	columns []string
	rows    int
	// next fills row (len(columns) values: string, int64, bool, []byte or
	// nil for NULL) with the next row.
	next func(row []any)
}

// tables are the bulk-loaded tables, parents first.
func (g *generator) tables() []table {
	return []table{g.users(), g.identities(), g.attempts(), g.sessions()}
}

// mix is SplitMix64's finaliser: a well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash is a row's deterministic random number: of the seed, a stream and an index.
func (g *generator) hash(stream, i uint64) uint64 {
	return mix(g.cfg.Rand ^ mix(stream<<56^i))
}

// id is a deterministic id in model.NewID's form.
func (g *generator) id(prefix string, stream, i uint64) string {
	h1 := g.hash(stream, i)
	h2 := mix(h1)
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], h1)
	binary.LittleEndian.PutUint64(b[8:], h2)
	return prefix + "_" + idEncoding.EncodeToString(b[:10])
}

// unit turns bits into a float in [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// ms is t in UNIX milliseconds, as the store keeps times.
func ms(t time.Time) int64 { return t.UnixMilli() }

// userID is the id of user i.
func (g *generator) userID(i int) string { return g.id("usr", streamUser, uint64(i)) }

// homeApp is the app through which user i's identities were last
// verified: an app of the user's workspace, busy apps more often.
func (g *generator) homeApp(i int) *seededApp {
	w, W := i%g.cfg.Workspaces, g.cfg.Workspaces
	n := (len(g.apps) - w + W - 1) / W
	u := unit(mix(g.hash(streamUser, uint64(i)) ^ 1))
	return &g.apps[w+W*int(float64(n)*u*u*u)]
}

// pickApp picks the app of an attempt: the first apps are the busiest
// (the top 1% of apps take about a fifth of the logins).
func (g *generator) pickApp(r *rand.Rand) *seededApp {
	u := r.Float64()
	return &g.apps[int(float64(len(g.apps))*u*u*u)]
}

// usersOf is how many users workspace w holds.
func (g *generator) usersOf(w int) int {
	W := g.cfg.Workspaces
	if w >= g.cfg.Users {
		return 0
	}
	return (g.cfg.Users - w + W - 1) / W
}

// spread returns a multiplier coprime with n: k ↦ k·p mod n permutes 0…n-1,
// so that the busiest users are not the first ones.
func spread(n int) int {
	if n <= 1 {
		return 1
	}
	p := int(float64(n)*0.6180339887) | 1
	for gcd(p, n) != 1 {
		p += 2
	}
	return p
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// pickUser picks the user of a login on workspace w (-1 when it has none):
// some users log in far more often than others (the top 1% make a tenth
// of the logins).
func (g *generator) pickUser(r *rand.Rand, w int, spreads []int) int {
	n := g.usersOf(w)
	if n == 0 {
		return -1
	}
	u := r.Float64()
	k := int(float64(n) * u * u)
	return w + g.cfg.Workspaces*(k*spreads[w]%n)
}

func (g *generator) users() table {
	return table{name: "users", columns: []string{"id", "workspace_id", "anonymous", "name", "created_at"}, rows: g.cfg.Users,
		next: func() func([]any) {
			i := 0
			return func(row []any) {
				row[0], row[1], row[2], row[3], row[4] = g.userID(i), g.spaces[i%g.cfg.Workspaces].ID, false, "", ms(g.userCreated(i))
				i++
			}
		}()}
}

// userCreated is when user i first logged in: in the year before the month.
func (g *generator) userCreated(i int) time.Time {
	h := g.hash(streamUser, uint64(i))
	return g.cfg.Now.Add(-month - time.Duration(h%uint64(335*day/time.Millisecond))*time.Millisecond)
}

// userSeen is when user i last logged in: within the month.
func (g *generator) userSeen(i int) time.Time {
	h := mix(g.hash(streamUser, uint64(i)) ^ 2)
	return g.cfg.Now.Add(-time.Duration(h%uint64(month/time.Millisecond)) * time.Millisecond)
}

// identities are two per user, a verified uid and a verified email, as a
// signed login through the user's home app left them.
func (g *generator) identities() table {
	return table{name: "identities", columns: []string{"user_id", "workspace_id", "type", "value", "verified", "metadata",
		"app_id", "key_id", "created_at", "seen_at", "verified_at"}, rows: 2 * g.cfg.Users,
		next: func() func([]any) {
			r := 0
			return func(row []any) {
				i := r / 2
				typ, value := string(verify.UID), fmt.Sprintf(UIDFormat, i)
				if r%2 == 1 {
					typ, value = string(verify.Email), fmt.Sprintf(EmailFormat, i)
				}
				a, seen := g.homeApp(i), ms(g.userSeen(i))
				row[0], row[1], row[2], row[3], row[4], row[5] = g.userID(i), a.WorkspaceID, typ, value, true, "{}"
				row[6], row[7], row[8], row[9], row[10] = a.ID, a.keyID, ms(g.userCreated(i)), seen, seen
				r++
			}
		}()}
}

// appVersions are the versions in use per platform, oldest first; the
// web widget sends none.
var appVersions = map[model.Platform][]string{
	model.PlatformIOS:     {"4.9.0", "4.10.0", "4.10.1", "4.11.0", "4.12.0", "4.12.1"},
	model.PlatformAndroid: {"4.9.2", "4.10.0", "4.11.0", "4.11.1", "4.12.0", "4.12.2"},
	model.PlatformWeb:     {""},
}

// pickVersion picks an app version, newer ones more often; it also
// returns whether the version is one of the two oldest, which predate
// signing (during monitor, many of their logins fail).
func pickVersion(r *rand.Rand, p model.Platform) (string, bool) {
	l := appVersions[p]
	u := r.Float64()
	i := len(l) - 1 - int(float64(len(l))*u*u)
	return l[i], len(l) > 2 && i < 2
}

// failure is one way a login fails, with its weight.
type failure struct {
	weight    int
	reason    verify.Reason
	cause     verify.Cause
	diagnosis string
}

// failures are the usual failures per kind of proof.
var (
	jwtFailures = []failure{
		{30, verify.ReasonExpired, "", ""},
		{10, verify.ReasonExpired, verify.CauseClockSkew, "the token expired moments before it arrived: the backend's clock runs behind"},
		{20, verify.ReasonSignatureMismatch, verify.CauseOtherKey, "the token was signed with another key of this workspace"},
		{10, verify.ReasonSignatureMismatch, verify.CauseUnknown, "no key of this workspace made this signature"},
		{10, verify.ReasonClaimInvalid, "", ""},
		{10, verify.ReasonMalformed, "", ""},
		{10, verify.ReasonKeyUnknown, "", ""},
	}
	digestFailures = []failure{
		{35, verify.ReasonSignatureMismatch, verify.CauseOtherKey, "the digest was made with another key of this workspace"},
		{20, verify.ReasonSignatureMismatch, verify.CauseWrongMessage, "the digest covers the email, not the user id"},
		{10, verify.ReasonSignatureMismatch, verify.CauseWrongEncoding, "the digest is base64; this profile sends hex"},
		{20, verify.ReasonSignatureMismatch, verify.CauseUnknown, "no key of this workspace made this digest"},
		{15, verify.ReasonMalformed, "", ""},
	}
)

func pickFailure(r *rand.Rand, l []failure) *failure {
	total := 0
	for _, f := range l {
		total += f.weight
	}
	n := r.IntN(total)
	for i := range l {
		if n < l[i].weight {
			return &l[i]
		}
		n -= l[i].weight
	}
	return &l[len(l)-1]
}

// attempts are a month of verification log, oldest first, evenly spread:
// mostly verified logins of seeded users, some anonymous visitors, and
// failures with their reasons (rejected, or let in under monitor or as
// anonymous). Anonymous and unverified logins name no user: on a server
// they make throwaway users, left out here so that --users is exact.
func (g *generator) attempts() table {
	return table{name: "attempts", columns: []string{"id", "workspace_id", "app_id", "platform", "profile", "app_version",
		"result", "reason", "cause", "diagnosis", "key_id", "user_id", "at"}, rows: g.cfg.Attempts,
		next: func() func([]any) {
			r := rand.New(rand.NewPCG(g.cfg.Rand, streamAttempt))
			spreads := make([]int, g.cfg.Workspaces)
			for w := range spreads {
				spreads[w] = spread(g.usersOf(w))
			}
			start, span := g.cfg.Now.Add(-month), float64(month)
			k := 0
			return func(row []any) {
				a := g.pickApp(r)
				version, old := pickVersion(r, a.Platform)
				at := start.Add(time.Duration(span * (float64(k) + r.Float64()) / float64(g.cfg.Attempts)))
				user := g.pickUser(r, a.ws, spreads)
				failRate := 0.03
				if a.Enforcement == model.EnforcementMonitor && old {
					failRate = 0.5
				}
				var result model.LoginResult
				var f *failure
				switch x := r.Float64(); {
				case x < 0.02 || user < 0:
					result = model.ResultAnonymous // a visitor who is not logged in at the brand
				case x < 0.02+failRate:
					if old && a.Enforcement == model.EnforcementMonitor {
						f = &failure{reason: verify.ReasonMalformed} // an old version sends no proof
					} else if !a.Profile.IsJWT() {
						f = pickFailure(r, digestFailures)
					} else {
						f = pickFailure(r, jwtFailures)
					}
					switch {
					case a.Enforcement == model.EnforcementMonitor:
						result = model.ResultUnverified
					case a.OnFailure == model.OnFailureAnonymous:
						result = model.ResultAnonymous
					default:
						result = model.ResultRejected
					}
				default:
					result = model.ResultVerified
				}
				row[0], row[1], row[2], row[3], row[4], row[5] = g.id("att", streamAttempt, uint64(k)), a.WorkspaceID, a.ID,
					string(a.Platform), string(a.Profile), version
				row[6], row[7], row[8], row[9], row[10], row[11] = string(result), "", "", "", "", nil
				if f != nil {
					row[7], row[8], row[9] = string(f.reason), string(f.cause), f.diagnosis
				}
				if result == model.ResultVerified {
					row[10], row[11] = a.keyID, g.userID(user)
				}
				row[12] = ms(at)
				k++
			}
		}()}
}

// signedFields are what a login through an app of profile p signs, as
// the session keeps them.
func signedFields(p verify.Profile) string {
	switch p {
	case verify.Intercom:
		return `["uid"]`
	case verify.PylonJWT:
		return `["email"]`
	}
	return `["uid","email"]`
}

// sessions are verified sessions of distinct users (while there are
// fewer sessions than users) through their home app, made within the
// month; a few were ended by logging out.
func (g *generator) sessions() table {
	return table{name: "sessions", columns: []string{"id", "workspace_id", "app_id", "user_id", "token_hash", "key_id",
		"verified", "anonymous", "signed_fields", "device_id", "app_version", "created_at", "expires_at",
		"revoked_at", "revoke_reason"}, rows: g.cfg.Sessions,
		next: func() func([]any) {
			r := rand.New(rand.NewPCG(g.cfg.Rand, streamSession))
			p := spread(g.cfg.Users)
			s := 0
			return func(row []any) {
				i := s % g.cfg.Users * p % g.cfg.Users
				a := g.homeApp(i)
				version, _ := pickVersion(r, a.Platform)
				// The hash of a token nobody holds: seeded sessions are
				// for the database's size, not for use.
				var token [32]byte
				binary.LittleEndian.PutUint64(token[:], r.Uint64())
				binary.LittleEndian.PutUint64(token[8:], r.Uint64())
				binary.LittleEndian.PutUint64(token[16:], uint64(s))
				hash := sha256.Sum256(token[:])
				created := g.cfg.Now.Add(-time.Duration(r.Int64N(int64(month/time.Millisecond))) * time.Millisecond)
				row[0], row[1], row[2], row[3], row[4], row[5] = g.id("ses", streamSession, uint64(s)), a.WorkspaceID, a.ID,
					g.userID(i), hash[:], a.keyID
				row[6], row[7], row[8], row[9], row[10] = true, false, signedFields(a.Profile), fmt.Sprintf("dev-%016x", r.Uint64()), version
				row[11], row[12], row[13], row[14] = ms(created), ms(created.Add(model.DefaultSessionLifetime)), nil, ""
				if r.IntN(100) < 3 {
					row[13], row[14] = ms(created.Add(time.Duration(r.Int64N(int64(g.cfg.Now.Sub(created))+1)))), model.RevokedByLogout
				}
				s++
			}
		}()}
}
