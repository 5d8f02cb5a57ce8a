package httpapi

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Rollout readiness: in monitor mode, the share of logins that verify, so an
// admin sees who would be refused before switching an app to enforce.
const (
	readinessPage    = 500    // attempts read per query
	readinessMaxRead = 50_000 // attempts read per answer; past it "truncated"
	readinessMaxDays = 90
)

// readinessBucket counts one UTC day's checked logins of one platform and
// app version.
type readinessBucket struct {
	Day        string         `json:"day"` // YYYY-MM-DD, UTC
	Platform   model.Platform `json:"platform"`
	AppVersion string         `json:"app_version"`
	// Total counts the logins whose identity was checked: verified or
	// failed. Anonymous visitors (nothing to check) and logins under
	// enforcement off (never checked) are left out.
	Total    int `json:"total"`
	Verified int `json:"verified"`
}

// checked reports whether an attempt's identity was verified or failed
// verification: a failure always has a reason; an anonymous visitor and an
// unchecked login (enforcement off) have none.
func checked(a *model.Attempt) bool {
	return signed(a) || a.Reason != ""
}

// signed reports whether an attempt's signature verified: a verified
// login, or one refused afterwards for suspicious activity (rejected with
// no reason, and the key that verified it). Readiness measures whether the
// brand's clients sign correctly, so the refusal still counts as signed.
func signed(a *model.Attempt) bool {
	return a.Result == model.ResultVerified ||
		a.Result == model.ResultRejected && a.Reason == "" && a.KeyID != ""
}

func (s *server) readiness(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	days := 7
	if v := r.URL.Query().Get("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 || days > readinessMaxDays {
			return model.Errorf(model.CodeInvalid, "days must be between 1 and %d", readinessMaxDays)
		}
	}
	now := s.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	since := today.AddDate(0, 0, -(days - 1))
	type bucketKey struct {
		day        string
		platform   model.Platform
		appVersion string
	}
	counts := map[bucketKey]*readinessBucket{}
	read, truncated, before := 0, false, ""
	for {
		page, err := s.store.Attempts(r.Context(), a.WorkspaceID, model.AttemptFilter{AppID: a.ID, Since: since,
			Limit: readinessPage, Before: before})
		if err != nil {
			return err
		}
		for i := range page {
			at := &page[i]
			if !checked(at) {
				continue
			}
			k := bucketKey{at.At.UTC().Format(time.DateOnly), at.Platform, at.AppVersion}
			b := counts[k]
			if b == nil {
				b = &readinessBucket{Day: k.day, Platform: k.platform, AppVersion: k.appVersion}
				counts[k] = b
			}
			b.Total++
			if signed(at) {
				b.Verified++
			}
		}
		read += len(page)
		if len(page) < readinessPage {
			break
		}
		if read >= readinessMaxRead {
			truncated = true // the oldest days are undercounted
			break
		}
		before = page[len(page)-1].ID
	}
	out := make([]readinessBucket, 0, len(counts))
	for _, b := range counts {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(x, y readinessBucket) int {
		return cmp.Or(cmp.Compare(x.Day, y.Day), cmp.Compare(x.Platform, y.Platform), cmp.Compare(x.AppVersion, y.AppVersion))
	})
	writeJSON(w, http.StatusOK, map[string]any{"app_id": a.ID, "enforcement": a.Enforcement, "days": days,
		"since": since, "truncated": truncated, "buckets": out})
	return nil
}
