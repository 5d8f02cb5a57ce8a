package httpapi

import (
	"net/url"
	"strconv"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// limitParam reads ?limit=, 1 to 500, default 100.
func limitParam(v string) (int, error) {
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, model.Errorf(model.CodeInvalid, "limit must be between 1 and 500")
	}
	return n, nil
}

// timeParam reads an optional RFC 3339 time from q into dst.
func timeParam(q url.Values, name string, dst *time.Time) error {
	v := q.Get(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return model.Errorf(model.CodeInvalid, "%s must be an RFC 3339 time, such as 2026-11-21T10:00:00Z", name)
	}
	*dst = t
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
