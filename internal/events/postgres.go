package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// channel is the NOTIFY channel. Channels are per database, so nodes on one
// database hear each other and nothing else.
const channel = "signet_events"

// maxPayload is PostgreSQL's limit on a NOTIFY payload (less one byte).
const maxPayload = 7999

const (
	// publishConns bounds the publishing pool: pg_notify is quick, and the
	// store's own pool is where a node's connections should go.
	publishConns = 4
	// applicationName marks our connections in pg_stat_activity, so that an
	// idle LISTEN connection per node is recognisable, unless the URL names
	// its own.
	applicationName = "signet events"
	// connectTimeout bounds one connection attempt, so a host that drops
	// packets cannot stall the listener forever.
	connectTimeout = 10 * time.Second
	// idleCheck is how long the listener waits for a notification before
	// pinging: a half-open TCP connection would otherwise swallow every
	// notification without an error, and subscribers would never know.
	// Short, because the nodes' caches trust the bus (Listening): a lost
	// connection is noticed within idleCheck + pingTimeout.
	idleCheck = time.Second
	// pingTimeout bounds that ping.
	pingTimeout = 2 * time.Second
	// minBackoff and maxBackoff bound the wait between reconnection
	// attempts; the first attempt after a stable connection is immediate.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 10 * time.Second
	// stableAfter is how long a connection must have lived for the backoff
	// to start over, so a connection that fails right after LISTEN does not
	// make the listener spin.
	stableAfter = time.Minute
	// closeTimeout bounds the goodbye to the server when closing a connection.
	closeTimeout = 5 * time.Second
)

// Postgres is a bus across every node on one PostgreSQL database: Publish
// sends a NOTIFY, and one dedicated connection per node LISTENs and fans each
// notification out to the node's subscriptions through a Local.
//
// PostgreSQL does not replay notifications to a listener that reconnects, so
// whenever the listening connection fails every current subscription is
// ended as lost, and so again once it listens anew (a subscription made in
// between may have missed events too).
type Postgres struct {
	local     *Local
	log       *slog.Logger
	listenCfg *pgx.ConnConfig
	pool      *pgxpool.Pool

	stop      context.CancelFunc
	done      chan struct{} // closed when the listener goroutine returns
	closed    atomic.Bool
	closeOnce sync.Once

	// pid is the listening connection's backend process id: logged, and
	// used by tests to kill that connection.
	pid atomic.Uint32
	// epoch counts the listener's losses; listening is true while a
	// connection listens (Listening).
	epoch     atomic.Uint64
	listening atomic.Bool

	// idle is idleCheck but in tests; pinged, if set, is called after each
	// ping that succeeded, so tests can await one.
	idle   time.Duration
	pinged func()
}

// NewPostgres connects to the database at url (postgres://…) and listens
// before it returns, so a subscription made afterwards hears every event
// published afterwards. ctx bounds this first connection only; the bus
// lives until Close. log receives connection losses and recoveries (nil
// discards them); neither it nor an error ever holds the URL's password.
func NewPostgres(ctx context.Context, url string, log *slog.Logger) (*Postgres, error) {
	return openPostgres(ctx, url, log, &Postgres{idle: idleCheck})
}

// openPostgres is NewPostgres with p's test settings.
func openPostgres(ctx context.Context, url string, log *slog.Logger, p *Postgres) (*Postgres, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	poolCfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// Not wrapped: the parser's message may quote the URL and its password.
		return nil, errors.New("events: the database URL is not valid")
	}
	if _, ok := poolCfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		poolCfg.ConnConfig.RuntimeParams["application_name"] = applicationName
	}
	poolCfg.MaxConns = publishConns
	p.local = NewLocal()
	p.log = log
	p.listenCfg = poolCfg.ConnConfig.Copy()
	p.done = make(chan struct{})
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("events: listen: %w", err) // names host, user and database only
	}
	// The pool connects lazily, when something is first published.
	p.pool, err = pgxpool.NewWithConfig(context.Background(), poolCfg)
	if err != nil {
		closeConn(conn)
		return nil, fmt.Errorf("events: %w", err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	p.stop = stop
	p.listening.Store(true)
	go p.run(runCtx, conn)
	return p, nil
}

// Publish sends e to every node's subscriptions, this node's included: they
// hear it through their own LISTEN, like everyone else's, so each event is
// delivered once and in the same order everywhere it came from.
func (p *Postgres) Publish(ctx context.Context, e Event) error {
	if err := e.check(); err != nil {
		return err
	}
	if p.closed.Load() {
		return ErrClosed
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	if len(payload) > maxPayload {
		return fmt.Errorf("events: a payload of %d bytes is over NOTIFY's limit", len(payload))
	}
	if _, err := p.pool.Exec(ctx, "SELECT pg_notify($1, $2)", channel, string(payload)); err != nil {
		return fmt.Errorf("events: publish: %w", err)
	}
	return nil
}

// Subscribe returns a subscription to the events match accepts, from every
// node; see Bus.
func (p *Postgres) Subscribe(match func(Event) bool) *Subscription {
	return p.local.Subscribe(match)
}

// Listening reports whether this node's listener is connected, and the
// epoch, which changes on every loss: a node that may have missed an event
// does not trust what it cached before (see Bus).
func (p *Postgres) Listening() (uint64, bool) {
	ok := p.listening.Load() && !p.closed.Load()
	return p.epoch.Load(), ok
}

// Close stops the listener, closes the connections and ends every
// subscription as lost. It is idempotent and returns once nothing of the
// bus runs any more.
func (p *Postgres) Close() error {
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		p.stop()
		<-p.done
		p.pool.Close()
		p.local.Close()
	})
	return nil
}

// connect opens a connection and LISTENs on it.
func (p *Postgres) connect(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, p.listenCfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		closeConn(conn)
		return nil, err
	}
	p.pid.Store(conn.PgConn().PID())
	return conn, nil
}

// run is the listener goroutine: it receives on conn, and when conn fails
// ends the subscriptions as lost and reconnects, until ctx is cancelled.
func (p *Postgres) run(ctx context.Context, conn *pgx.Conn) {
	defer close(p.done)
	var backoff time.Duration
	for {
		since := time.Now()
		err := p.receive(ctx, conn)
		p.listening.Store(false)
		p.epoch.Add(1)
		closeConn(conn)
		if ctx.Err() != nil {
			return
		}
		p.local.endAll()
		p.log.Warn("events: the listener lost its connection; subscriptions ended, reconnecting",
			"pid", p.pid.Load(), "err", err)
		if time.Since(since) >= stableAfter {
			backoff = 0
		}
		if conn = p.reconnect(ctx, &backoff); conn == nil {
			return
		}
	}
}

// receive delivers the notifications arriving on conn until it fails.
func (p *Postgres) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		wait, cancel := context.WithTimeout(ctx, p.idle)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil && n != nil:
			p.handle(n.Payload)
		case err == nil:
			// No notification without an error: nothing to deliver.
		case pgconn.Timeout(err) && ctx.Err() == nil:
			ping, cancel := context.WithTimeout(ctx, pingTimeout)
			err := conn.Ping(ping)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
			if p.pinged != nil {
				p.pinged()
			}
		default:
			return err
		}
	}
}

// handle delivers one notification's event. The payload comes from anyone
// who may NOTIFY on the database, so it is checked like input.
func (p *Postgres) handle(payload string) {
	var e Event
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		p.log.Debug("events: ignored a notification that is not JSON", "err", err)
		return
	}
	if err := e.check(); err != nil {
		p.log.Debug("events: ignored an invalid notification", "err", err)
		return
	}
	p.local.deliver(e)
}

// reconnect connects and listens again, waiting *backoff (with jitter)
// before each attempt and doubling it after, until it succeeds or ctx is
// cancelled (nil). Subscriptions made while nobody listened are then ended
// as lost, since they may have missed events.
func (p *Postgres) reconnect(ctx context.Context, backoff *time.Duration) *pgx.Conn {
	for attempt := 1; ; attempt++ {
		if *backoff > 0 && !sleep(ctx, jitter(*backoff)) {
			return nil
		}
		*backoff = min(max(2**backoff, minBackoff), maxBackoff)
		conn, err := p.connect(ctx)
		if err == nil {
			p.epoch.Add(1) // what was cached while nobody listened is stale too
			p.listening.Store(true)
			p.local.endAll()
			p.log.Info("events: the listener is listening again", "pid", p.pid.Load(), "attempts", attempt)
			return conn
		}
		if ctx.Err() != nil {
			return nil
		}
		p.log.Warn("events: the listener cannot reconnect", "err", err, "retry_in", *backoff)
	}
}

// jitter returns a wait between d/2 and d, so that nodes which lost the
// database together do not all come back at the same instant.
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

// sleep waits d, or reports false as soon as ctx is cancelled.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// closeConn closes conn, saying goodbye to the server if it still answers.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	conn.Close(ctx)
}
