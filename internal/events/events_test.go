package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store/storetest"
)

// wait bounds every wait for an event: generous, since a failing test
// should fail, not hang, and a passing one never waits this long.
const wait = 10 * time.Second

func TestLocalFanOut(t *testing.T) {
	b := NewLocal()
	defer b.Close()
	e1 := Event{Kind: IssueCreated, WorkspaceID: "ws1", IssueID: "is1", UserID: "us1"}
	e2 := Event{Kind: MessageCreated, WorkspaceID: "ws2", IssueID: "is2", UserID: "us2", MessageID: "msg1"}
	e3 := Event{Kind: IssueStatus, WorkspaceID: "ws1", IssueID: "is3", UserID: "us2"}
	subs := []struct {
		name  string
		match func(Event) bool
		want  []Event
	}{
		{"everything", nil, []Event{e1, e2, e3}},
		{"workspace ws1", func(e Event) bool { return e.WorkspaceID == "ws1" }, []Event{e1, e3}},
		{"user us2", func(e Event) bool { return e.UserID == "us2" }, []Event{e2, e3}},
		{"issue is2", func(e Event) bool { return e.IssueID == "is2" }, []Event{e2}},
		{"nothing", func(Event) bool { return false }, nil},
	}
	ss := make([]*Subscription, len(subs))
	for i, s := range subs {
		ss[i] = b.Subscribe(s.match)
	}
	for _, e := range []Event{e1, e2, e3} {
		if err := b.Publish(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range subs {
		// Local delivers before Publish returns: what a subscription got is
		// in its buffer, which stays readable after Close.
		ss[i].Close()
		var got []Event
		for e := range ss[i].C {
			got = append(got, e)
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("%s: got %v, want %v", s.name, got, s.want)
		}
		if ss[i].Lost() {
			t.Errorf("%s: lost after its own Close", s.name)
		}
	}
}

func TestLocalSlowSubscriberIsEndedAsLost(t *testing.T) {
	b := NewLocal() // not closed when the test fails: a blocked Publish holds its lock
	slow := b.Subscribe(nil)
	fast := b.Subscribe(nil)
	other := b.Subscribe(func(e Event) bool { return e.WorkspaceID == "elsewhere" })

	// Publish must return although slow never reads; run it aside so that
	// a Publish that blocks fails the test instead of hanging it.
	done := make(chan error, 1)
	go func() {
		for i := range bufferSize + 10 {
			if err := b.Publish(context.Background(), event(i)); err != nil {
				done <- err
				return
			}
			if e := <-fast.C; e != event(i) {
				done <- fmt.Errorf("fast got %v, want %v", e, event(i))
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(wait):
		t.Fatal("Publish blocked on a slow subscriber")
	}

	// slow holds what fit in its buffer, in order, then C is closed.
	var got int
	for e := range slow.C {
		if e != event(got) {
			t.Fatalf("slow got %v, want %v", e, event(got))
		}
		got++
	}
	if got != bufferSize {
		t.Errorf("slow got %d events before it was ended, want %d", got, bufferSize)
	}
	if !slow.Lost() {
		t.Error("slow subscriber ended but not lost")
	}
	if fast.Lost() || other.Lost() {
		t.Error("a subscriber that kept up was ended")
	}
	slow.Close() // after the bus ended it: no panic, still lost
	if !slow.Lost() {
		t.Error("Close cleared Lost")
	}
	b.Close()
}

func TestLocalClose(t *testing.T) {
	b := NewLocal()
	kept := b.Subscribe(nil)
	closed := b.Subscribe(nil)
	closed.Close()
	closed.Close() // idempotent
	if _, ok := <-closed.C; ok || closed.Lost() {
		t.Fatalf("after Close: C open %v, lost %v; want closed, not lost", ok, closed.Lost())
	}
	if err := b.Publish(context.Background(), event(1)); err != nil {
		t.Fatal(err) // must not send on the closed subscription
	}

	for range 2 {
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if e := <-kept.C; e != event(1) {
		t.Errorf("got %v, want %v", e, event(1))
	}
	if _, ok := <-kept.C; ok || !kept.Lost() {
		t.Error("closing the bus did not end its subscriptions as lost")
	}
	if closed.Lost() {
		t.Error("closing the bus marked an already closed subscription lost")
	}
	late := b.Subscribe(nil)
	if _, ok := <-late.C; ok || !late.Lost() {
		t.Error("Subscribe on a closed bus must return a lost subscription")
	}
	err := b.Publish(context.Background(), event(2))
	if !errors.Is(err, ErrClosed) || model.ErrorCode(err) != model.CodeUnavailable {
		t.Errorf("Publish after Close: %v, want ErrClosed", err)
	}
}

func TestPublishRejectsInvalidEvents(t *testing.T) {
	long := strings.Repeat("x", maxIDLen+1)
	for _, c := range []struct {
		name string
		e    Event
	}{
		{"zero", Event{}},
		{"unknown kind", Event{Kind: "issue.deleted", WorkspaceID: "w", IssueID: "i", UserID: "u"}},
		{"no workspace", Event{Kind: IssueCreated, IssueID: "i", UserID: "u"}},
		{"no issue", Event{Kind: IssueCreated, WorkspaceID: "w", UserID: "u"}},
		{"no user", Event{Kind: IssueCreated, WorkspaceID: "w", IssueID: "i"}},
		{"message without its id", Event{Kind: MessageCreated, WorkspaceID: "w", IssueID: "i", UserID: "u"}},
		{"id too long", Event{Kind: IssueCreated, WorkspaceID: "w", IssueID: long, UserID: "u"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewLocal()
			defer b.Close()
			s := b.Subscribe(nil)
			if err := b.Publish(context.Background(), c.e); err == nil {
				t.Fatal("published")
			}
			if len(s.C) != 0 {
				t.Fatal("delivered")
			}
		})
	}
}

// TestLocalConcurrent is for the race detector: subscriptions come, go and
// fall behind while others publish.
func TestLocalConcurrent(t *testing.T) {
	b := NewLocal()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				if err := b.Publish(context.Background(), event(g*1000+i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() {
			for i := range 50 {
				s := b.Subscribe(func(e Event) bool { return e.IssueID != "" })
				if i%2 == 0 {
					select { // an event, or closed as fallen behind: both fine
					case <-s.C:
					default:
					}
				}
				s.Close()
				_ = s.Lost()
			}
		})
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestNewPostgresKeepsThePasswordSecret(t *testing.T) {
	const secret = "s3cret-pw"
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for _, u := range []string{
		"postgres://signet:" + secret + "@127.0.0.1:notaport/db",
		"postgres://signet:" + secret + "@127.0.0.1:1/db?sslmode=disable", // nothing listens on port 1
	} {
		b, err := NewPostgres(ctx, u, log)
		if err == nil {
			b.Close()
			t.Fatalf("NewPostgres(%q) succeeded", u)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the log shows the password: %s", logs.String())
	}
}

func TestPostgresTwoNodes(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	a, b := newPostgres(t, dbURL, nil), newPostgres(t, dbURL, nil)
	all := a.Subscribe(nil)
	ws1 := b.Subscribe(func(e Event) bool { return e.WorkspaceID == "ws1" })
	us2 := b.Subscribe(func(e Event) bool { return e.UserID == "us2" })

	e1 := Event{Kind: IssueCreated, WorkspaceID: "ws1", IssueID: "is1", UserID: "us1"}
	e2 := Event{Kind: MessageCreated, WorkspaceID: "ws2", IssueID: "is2", UserID: "us2", MessageID: "msg1"}
	e3 := Event{Kind: IssueStatus, WorkspaceID: "ws2", IssueID: "is3", UserID: "us3"}
	// Last and accepted by every subscription: one that got it in order
	// got nothing it should not have before it.
	e4 := Event{Kind: IssueStatus, WorkspaceID: "ws1", IssueID: "is4", UserID: "us2"}
	// Publish returns after the NOTIFY committed, and each listener hears
	// notifications in commit order: alternating nodes, the order holds.
	for i, e := range []Event{e1, e2, e3, e4} {
		node := []*Postgres{a, b}[i%2]
		if err := node.Publish(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		s    *Subscription
		want []Event
	}{
		{"node A, everything", all, []Event{e1, e2, e3, e4}},
		{"node B, workspace ws1", ws1, []Event{e1, e4}},
		{"node B, user us2", us2, []Event{e2, e4}},
	} {
		for _, want := range c.want {
			if got := next(t, c.s); got != want {
				t.Errorf("%s: got %v, want %v", c.name, got, want)
			}
		}
	}
	if err := a.Publish(context.Background(), Event{Kind: MessageCreated, WorkspaceID: "w", IssueID: "i", UserID: "u"}); err == nil {
		t.Error("published an invalid event")
	}
}

func TestPostgresIgnoresMalformedNotifications(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b := newPostgres(t, dbURL, log)
	s := b.Subscribe(nil)

	// Anyone who may connect to the database may NOTIFY on our channel.
	admin := connect(t, dbURL)
	for _, payload := range []string{
		"not json",
		"null",
		`{"k":"issue.created"}`,
		`{"k":"issue.deleted","w":"w","i":"i","u":"u"}`,
		`{"k":1}`,
	} {
		if _, err := admin.Exec(context.Background(), "SELECT pg_notify($1, $2)", channel, payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(context.Background(), event(1)); err != nil {
		t.Fatal(err)
	}
	if got := next(t, s); got != event(1) {
		t.Fatalf("got %v, want %v: a malformed notification was delivered", got, event(1))
	}
	b.Close() // the logger's last writer is done
	if n := strings.Count(logs.String(), "events: ignored"); n != 5 {
		t.Errorf("logged %d ignored notifications, want 5:\n%s", n, logs.String())
	}
	if s.Lost() != true {
		t.Error("Close did not end the subscription as lost")
	}
}

func TestPostgresListenerReconnects(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	a, b := newPostgres(t, dbURL, log), newPostgres(t, dbURL, nil)
	onA, onB := a.Subscribe(nil), b.Subscribe(nil)
	admin := connect(t, dbURL)
	ctx := context.Background()

	// Keep A from reconnecting at once, to see what happens while it is
	// deaf; connections already open stay. PostgreSQL takes this from a
	// connection to another database only.
	var db string
	if err := admin.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	server := connect(t, os.Getenv(storetest.PostgresEnv))
	allowConnections := func(allow bool) {
		t.Helper()
		_, err := server.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %t", pgx.Identifier{db}.Sanitize(), allow))
		if err != nil {
			t.Fatal(err)
		}
	}
	allowConnections(false)

	// Kill A's listening connection, after checking it is the one.
	pid := a.pid.Load()
	var query, app string
	err := admin.QueryRow(ctx, "SELECT query, application_name FROM pg_stat_activity WHERE pid = $1", pid).Scan(&query, &app)
	if err != nil {
		t.Fatalf("the listener's backend %d: %v", pid, err)
	}
	if !strings.HasPrefix(query, "LISTEN") || app != applicationName {
		t.Fatalf("backend %d runs %q as %q, not our LISTEN", pid, query, app)
	}
	var killed bool
	if err := admin.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&killed); err != nil || !killed {
		t.Fatalf("pg_terminate_backend(%d): %v, %v", pid, killed, err)
	}
	epochBefore, _ := b.Listening()
	if !ended(t, onA) {
		t.Fatal("A's subscription was ended, but not as lost")
	}
	// A says it is not listening (caches must not trust what they hold).
	if _, ok := a.Listening(); ok {
		t.Fatal("A's listener was killed, and A says it is listening")
	}
	epochDeaf, _ := a.Listening()

	// While A is deaf, a new subscription on A misses an event that B
	// hears, so it must be ended as lost once A listens again.
	deaf := a.Subscribe(nil)
	missed := Event{Kind: IssueCreated, WorkspaceID: "ws", IssueID: "missed", UserID: "us"}
	// Published from admin: B's publishing pool may not connect either.
	if _, err := admin.Exec(ctx, "SELECT pg_notify($1, $2)", channel, `{"k":"issue.created","w":"ws","i":"missed","u":"us"}`); err != nil {
		t.Fatal(err)
	}
	if e := next(t, onB); e != missed {
		t.Fatalf("B got %v, want %v", e, missed)
	}
	allowConnections(true)
	select {
	case e, ok := <-deaf.C:
		if ok {
			t.Fatalf("A heard %v while deaf", e)
		}
		if !deaf.Lost() {
			t.Fatal("the subscription made while A was deaf ended, but not as lost")
		}
	case <-time.After(wait):
		t.Fatal("the subscription made while A was deaf was not ended when A recovered")
	}

	// Listening again, in a new epoch: what was cached while deaf is stale.
	if epoch, ok := a.Listening(); !ok || epoch == epochDeaf {
		t.Errorf("A after recovering: Listening() = %d, %v; want listening in an epoch after %d", epoch, ok, epochDeaf)
	}
	if epoch, ok := b.Listening(); !ok || epoch != epochBefore {
		t.Errorf("B: Listening() = %d, %v; want its epoch %d unchanged", epoch, ok, epochBefore)
	}

	// Once A listens again, events published afterwards reach it.
	s := a.Subscribe(nil)
	after := Event{Kind: IssueCreated, WorkspaceID: "ws", IssueID: "after", UserID: "us"}
	if err := b.Publish(ctx, after); err != nil {
		t.Fatal(err)
	}
	if e := next(t, s); e != after {
		t.Errorf("A got %v, want %v", e, after)
	}
	if e := next(t, onB); e != after {
		t.Errorf("B got %v, want %v", e, after)
	}
	if onB.Lost() {
		t.Error("killing A's listener ended a subscription on B")
	}
	if a.pid.Load() == pid {
		t.Error("A reports the killed connection as its listener")
	}
	a.Close()
	// Whether an attempt failed before connections were allowed again
	// depends on timing: "cannot reconnect" may or may not be logged.
	for _, want := range []string{"lost its connection", "listening again"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logs.String())
		}
	}
}

// TestPostgresListenerSurvivesIdleChecks checks that waiting out idle
// periods and pinging leaves the listening connection usable, as it must
// for the ping to find only dead connections.
func TestPostgresListenerSurvivesIdleChecks(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	pinged := make(chan struct{}, 1)
	b := newPostgresWith(t, dbURL, nil, &Postgres{idle: 10 * time.Millisecond, pinged: func() {
		select {
		case pinged <- struct{}{}:
		default:
		}
	}})
	s := b.Subscribe(nil)
	pid := b.pid.Load()
	for i := range 3 {
		select {
		case <-pinged:
		case <-time.After(wait):
			t.Fatalf("ping %d did not come", i+1)
		}
	}
	if err := b.Publish(context.Background(), event(1)); err != nil {
		t.Fatal(err)
	}
	if e := next(t, s); e != event(1) {
		t.Errorf("got %v, want %v", e, event(1))
	}
	if b.pid.Load() != pid {
		t.Error("the listener reconnected after idling")
	}
}

func TestPostgresCloseLeavesNoGoroutine(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	admin := connect(t, dbURL)
	before := runtime.NumGoroutine()

	b := newPostgres(t, dbURL, nil)
	s := b.Subscribe(nil)
	if err := b.Publish(context.Background(), event(1)); err != nil {
		t.Fatal(err)
	}
	next(t, s)
	// Through a reconnection too, whose goroutines must end as well.
	if _, err := admin.Exec(context.Background(), "SELECT pg_terminate_backend($1)", b.pid.Load()); err != nil {
		t.Fatal(err)
	}
	ended(t, s)
	for range 2 {
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-b.done:
	default:
		t.Error("Close returned before the listener goroutine ended")
	}
	if err := b.Publish(context.Background(), event(2)); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: %v, want ErrClosed", err)
	}

	// Goroutines of the runtime and of net may take a moment to exit after
	// Close returned: poll, and show who is left on failure.
	var now int
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
	}
	buf := make([]byte, 1<<20)
	t.Fatalf("%d goroutines before NewPostgres, %d after Close:\n%s", before, now, buf[:runtime.Stack(buf, true)])
}

// event returns a distinct valid event.
func event(i int) Event {
	return Event{Kind: MessageCreated, WorkspaceID: "ws", IssueID: "is", UserID: "us", MessageID: fmt.Sprintf("msg%d", i)}
}

// next returns the next event of s, failing the test if none comes.
func next(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if !ok {
			t.Fatalf("the subscription ended (lost: %v)", s.Lost())
		}
		return e
	case <-time.After(wait):
		t.Fatal("no event came")
	}
	panic("unreachable")
}

// ended waits for s to end, discarding its events, and returns Lost.
func ended(t *testing.T, s *Subscription) bool {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case _, ok := <-s.C:
			if !ok {
				return s.Lost()
			}
		case <-timeout:
			t.Fatal("the subscription did not end")
		}
	}
}

// hears reports whether s receives want (true) or ends first (false),
// skipping events published before it; it fails the test at deadline.
func hears(t *testing.T, s *Subscription, want Event, deadline <-chan time.Time) bool {
	t.Helper()
	for {
		select {
		case e, ok := <-s.C:
			if !ok {
				return false
			}
			if e == want {
				s.Close()
				return true
			}
		case <-deadline:
			t.Fatal("the listener did not recover")
		}
	}
}

// newPostgres returns a bus on the database, closed when the test ends.
func newPostgres(t *testing.T, dbURL string, log *slog.Logger) *Postgres {
	t.Helper()
	return newPostgresWith(t, dbURL, log, &Postgres{idle: idleCheck})
}

// newPostgresWith is newPostgres with the test settings of p.
func newPostgresWith(t *testing.T, dbURL string, log *slog.Logger, p *Postgres) *Postgres {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	b, err := openPostgres(ctx, dbURL, log, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// connect returns a plain connection to the database, closed when the test
// ends, to act on the database behind the buses' backs.
func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// lockedBuffer is a log destination the listener goroutine may write to
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
