package webhook

import (
	"context"
	"strconv"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Detect raises the events no single change reports, for the workspaces
// with an enabled endpoint: verification.failures_spiked, for each app
// whose failed share of checked logins over the last SpikeWindow reaches
// SpikeShare (with SpikeMin logins at least), and key.retiring_still_used,
// for each key inside its grace period that signed a login in the last
// DetectEvery. Their ids follow from the app and window, or the key and
// day, so every node may detect the same thing: it is delivered once, and
// raised at most once per app and window, per key and day.
func (s *Service) Detect(ctx context.Context) {
	now := s.c.Now()
	since := now.Add(-s.c.SpikeWindow)
	l, err := s.c.Store.AppFailures(ctx, since)
	if err != nil {
		s.c.Log.WarnContext(ctx, "webhook detection: counting failures failed", "err", err)
		return
	}
	raised := 0
	for _, f := range l {
		if f.Total < s.c.SpikeMin || float64(f.Failed) < s.c.SpikeShare*float64(f.Total) {
			continue
		}
		window := now.Truncate(s.c.SpikeWindow)
		ev := &model.WebhookEvent{ID: model.EventID("spike\x00" + f.AppID + "\x00" + strconv.FormatInt(window.Unix(), 10)),
			WorkspaceID: f.WorkspaceID, Type: model.EventFailuresSpiked, At: now, Data: map[string]any{
				"workspace_id": f.WorkspaceID, "app_id": f.AppID, "window_seconds": int64(s.c.SpikeWindow / time.Second),
				"checked": f.Total, "failed": f.Failed, "failed_share": float64(f.Failed) / float64(f.Total),
				"threshold": s.c.SpikeShare,
			}}
		if n, err := s.enqueue(ctx, ev); err != nil {
			s.c.Log.WarnContext(ctx, "webhook detection: event not enqueued", "type", ev.Type, "err", err)
		} else {
			raised += n
		}
	}
	keys, err := s.c.Store.RetiringKeysUsed(ctx, now.Add(-s.c.DetectEvery), now)
	if err != nil {
		s.c.Log.WarnContext(ctx, "webhook detection: reading retiring keys failed", "err", err)
		return
	}
	for _, k := range keys {
		day := now.UTC().Format(time.DateOnly)
		ev := &model.WebhookEvent{ID: model.EventID("retiring\x00" + k.ID + "\x00" + day), WorkspaceID: k.WorkspaceID,
			Type: model.EventKeyRetiringStillUsed, At: now, Data: map[string]any{
				"workspace_id": k.WorkspaceID, "app_id": k.AppID, "key_id": k.ID,
				"retires_at": k.RetiresAt, "last_used_at": k.LastUsedAt,
			}}
		if n, err := s.enqueue(ctx, ev); err != nil {
			s.c.Log.WarnContext(ctx, "webhook detection: event not enqueued", "type", ev.Type, "err", err)
		} else {
			raised += n
		}
	}
	if raised > 0 {
		s.Kick()
	}
}
