package sqlstore

import (
	"slices"
	"testing"
)

func TestAnonymousPlaceholders(t *testing.T) {
	for _, c := range []struct {
		query, text string
		args, bound []any
	}{
		{"SELECT a FROM t WHERE b = $1 AND c = $2", "SELECT a FROM t WHERE b = ? AND c = ?", []any{"x", 2}, []any{"x", 2}},
		// A batch's rows repeat a placeholder: its argument is bound twice.
		{"VALUES ($1, $2, TRUE, $2), ($3, $4, TRUE, $4)", "VALUES (?, ?, TRUE, ?), (?, ?, TRUE, ?)",
			[]any{"a", 1, "b", 2}, []any{"a", 1, 1, "b", 2, 2}},
		{"UPDATE k SET x = $2 WHERE id = $1", "UPDATE k SET x = ? WHERE id = ?", []any{"id", 9}, []any{9, "id"}},
		{"SELECT $10, $1", "SELECT ?, ?", []any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []any{10, 1}},
		// Quoted text and comments are not placeholders.
		{"SELECT '$1', \"$2\" -- $3\n, $1", "SELECT '$1', \"$2\" -- $3\n, ?", []any{"v"}, []any{"v"}},
		{"SELECT 'it''s $1', $1", "SELECT 'it''s $1', ?", []any{"v"}, []any{"v"}},
		{"SELECT $0, $, $a", "SELECT $0, $, $a", nil, nil},
		// Too few arguments stay too few, for the driver to refuse.
		{"SELECT $2, $1", "SELECT ?, ?", []any{"only"}, []any{}},
	} {
		n := newRewriter().rewrite(c.query)
		if n.text != c.text {
			t.Errorf("%q: text %q, want %q", c.query, n.text, c.text)
		}
		if got := n.bind(c.args); !slices.Equal(got, c.bound) {
			t.Errorf("%q: arguments %v, want %v", c.query, got, c.bound)
		}
	}
}
