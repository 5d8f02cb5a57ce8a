package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Rollout readiness: in monitor mode, the share of logins that verify, so an
// admin sees who would be refused before switching an app to enforce. The
// database counts (store.Readiness); the answer has at most days ×
// platforms × (model.ReadinessVersions + 1) buckets, whatever app versions
// clients send.
const readinessMaxDays = 90

// readinessBucket counts one UTC day's checked logins of one platform and
// app version.
type readinessBucket struct {
	Day        string         `json:"day"` // YYYY-MM-DD, UTC
	Platform   model.Platform `json:"platform"`
	AppVersion string         `json:"app_version"`
	// Total counts the logins whose identity was checked: verified or
	// failed (model.Attempt.Checked). Anonymous visitors (nothing to
	// check) and logins under enforcement off (never checked) are left out.
	Total int `json:"total"`
	// Verified counts the signed ones (model.Attempt.Signed).
	Verified int `json:"verified"`
}

func (s *server) readiness(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.app(r, p); err != nil {
		return err
	}
	var err error
	days := 7
	if v := r.URL.Query().Get("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 || days > readinessMaxDays {
			return model.Errorf(model.CodeInvalid, "days must be between 1 and %d", readinessMaxDays)
		}
	}
	now := s.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	since := today.AddDate(0, 0, -(days - 1))
	a, l, err := s.admin.Readiness(r.Context(), p, r.PathValue("app"), since, model.ReadinessVersions)
	if err != nil {
		return err
	}
	out := make([]readinessBucket, 0, len(l))
	for _, b := range l {
		out = append(out, readinessBucket{Day: b.Day.UTC().Format(time.DateOnly), Platform: b.Platform,
			AppVersion: b.AppVersion, Total: b.Total, Verified: b.Verified})
	}
	// truncated stays in the answer for the clients that read it: the
	// database counts every attempt of the window, so it is always false.
	writeJSON(w, http.StatusOK, rolloutReadiness{AppID: a.ID, Enforcement: a.Enforcement, Days: days,
		Since: since, Truncated: false, Buckets: out})
	return nil
}
