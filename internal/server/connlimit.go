package server

import (
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxConnections caps the connections open at once when the
// open-file limit allows it; below that, the cap is the limit less
// reservedFiles (see maxConnections).
const DefaultMaxConnections = 16384

// reservedFiles are the file descriptors kept for what is not a client
// connection: the database, its pool, the log, the bus's listener.
const reservedFiles = 128

// maxConnections is the connection cap: want when set (> 0), else
// DefaultMaxConnections, and never more than the open-file limit allows.
func maxConnections(want int) int {
	n := want
	if n <= 0 {
		n = DefaultMaxConnections
	}
	if files := openFileLimit(); files > 0 && n > files-reservedFiles {
		n = max(files-reservedFiles, 16)
	}
	return n
}

// streamsUnder sizes the per-node stream cap under a connection cap: at
// most three quarters of the connections, so that under a flood of streams
// a quarter remain for logins, the API and health checks.
func streamsUnder(streams, conns int) int {
	if streams < 0 || streams > conns*3/4 {
		return conns * 3 / 4
	}
	return streams
}

// limitListener refuses connections past max open at once with a short
// 503 (and Retry-After) instead of queueing them until the process runs
// out of file descriptors.
type limitListener struct {
	net.Listener
	max  int64
	open atomic.Int64
	// refusing bounds the refusals being written at once; past it a
	// connection is closed without an answer.
	refusing atomic.Int64
	refused  atomic.Uint64
}

const maxRefusing = 64

func newLimitListener(l net.Listener, max int) *limitListener {
	return &limitListener{Listener: l, max: int64(max)}
}

// Accept returns the next connection under the cap, refusing those over it.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.max {
			l.open.Add(-1)
			l.refused.Add(1)
			l.refuse(c)
			continue
		}
		return &countedConn{Conn: c, l: l}, nil
	}
}

// overloadAnswer is what a refused connection reads: a complete HTTP
// answer, in the API's error format, whatever it asked.
var overloadAnswer = func() []byte {
	body := `{"error":{"code":"unavailable","message":"the server has too many open connections; try again shortly"}}`
	return []byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n" +
		"Connection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

func (l *limitListener) refuse(c net.Conn) {
	if l.refusing.Add(1) > maxRefusing {
		l.refusing.Add(-1)
		c.Close()
		return
	}
	go func() {
		defer l.refusing.Add(-1)
		c.SetDeadline(time.Now().Add(time.Second))
		c.Write(overloadAnswer)
		c.Close()
	}()
}

// countedConn gives its place back once, when closed.
type countedConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}
