package sqlstore

import (
	"strconv"
	"sync"
)

// The store writes its SQL with numbered placeholders ($1, $2…), which both
// databases read. SQLite reads "$1" as a *named* parameter, though, and
// modernc's driver asks SQLite for the name of every parameter it binds,
// which SQLite finds by walking its list of names: binding a statement of n
// parameters cost n²/2 steps, which is why a batch's multi-row statements
// had to stay small. Where the dialect asks for it (Dialect.AnonymousParams)
// the store hands the driver the same query with anonymous placeholders (?)
// and the arguments in the order the placeholders take them.

// numbered is a query as the driver receives it.
type numbered struct {
	text string
	// order[i] is the index in the caller's arguments of the i-th "?";
	// nil when the placeholders run $1, $2… $n in order, each once.
	order []int
}

// bind returns the arguments in the order the rewritten text takes them.
func (n *numbered) bind(args []any) []any {
	if n.order == nil {
		return args
	}
	out := make([]any, len(n.order))
	for i, j := range n.order {
		if j >= len(args) {
			return out[:i] // too few: the driver says which is missing
		}
		out[i] = args[j]
	}
	return out
}

// maxRewrites bounds the rewritten queries kept: the store's texts are a
// bounded set (a batch's statements have one text per row count); past the
// bound a query is rewritten each time it runs.
const maxRewrites = 4096

// rewriter keeps the rewritten form of each query text it has seen.
type rewriter struct {
	mu sync.RWMutex
	m  map[string]*numbered
}

func newRewriter() *rewriter { return &rewriter{m: map[string]*numbered{}} }

// rewrite returns query with anonymous placeholders.
func (r *rewriter) rewrite(query string) *numbered {
	r.mu.RLock()
	n := r.m[query]
	r.mu.RUnlock()
	if n != nil {
		return n
	}
	n = anonymous(query)
	r.mu.Lock()
	if len(r.m) < maxRewrites {
		r.m[query] = n
	}
	r.mu.Unlock()
	return n
}

// anonymous rewrites each $N of query outside quotes and comments as "?".
func anonymous(query string) *numbered {
	out := make([]byte, 0, len(query))
	var order []int
	inOrder := true
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'' || c == '"': // a string literal or a quoted name ('' and "" escape)
			end := i + 1
			for end < len(query) && query[end] != c {
				end++
			}
			end = min(end+1, len(query))
			out = append(out, query[i:end]...)
			i = end
		case c == '-' && i+1 < len(query) && query[i+1] == '-': // a comment to the end of the line
			end := i
			for end < len(query) && query[end] != '\n' {
				end++
			}
			out = append(out, query[i:end]...)
			i = end
		case c == '$' && i+1 < len(query) && query[i+1] >= '1' && query[i+1] <= '9':
			end := i + 1
			for end < len(query) && query[end] >= '0' && query[end] <= '9' {
				end++
			}
			k, _ := strconv.Atoi(query[i+1 : end])
			inOrder = inOrder && k == len(order)+1
			order = append(order, k-1)
			out = append(out, '?')
			i = end
		default:
			out = append(out, c)
			i++
		}
	}
	if inOrder {
		order = nil
	}
	return &numbered{text: string(out), order: order}
}
