package web

import (
	"time"

	"github.com/signet-id/signet/internal/model"
)

// stillSigns reports whether retiring key k was used since it retired and
// within the last day: something still signs with it. A use from before the
// rotation says nothing (right after Rotate every retiring key was "used a
// minute ago"). keys are the app's keys; the rotation that retired k made the
// first key created after it.
func stillSigns(k keyRow, keys []keyRow, now time.Time) bool {
	if k.State != model.KeyRetiring || k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= 24*time.Hour {
		return false
	}
	var successor *time.Time
	for i := range keys {
		c := keys[i].CreatedAt
		if c.After(k.CreatedAt) && (successor == nil || c.Before(*successor)) {
			successor = &keys[i].CreatedAt
		}
	}
	return successor == nil || !k.LastUsedAt.Before(*successor)
}
