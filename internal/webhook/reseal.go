package webhook

import (
	"context"
	"fmt"

	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
)

// Reseal seals every endpoint's secrets (and a rotation's previous one)
// under box's master key, for a master-key rotation (signet
// rotate-master-key): a secret sealed under the previous master key is
// opened with it and sealed again. Endpoint by endpoint, not in one
// transaction: run again after a failure, it finishes the rest.
func Reseal(ctx context.Context, st store.Store, box *secretbox.Box) error {
	workspaces, err := st.Workspaces(ctx)
	if err != nil {
		return err
	}
	for _, ws := range workspaces {
		hooks, err := st.Webhooks(ctx, ws.ID)
		if err != nil {
			return err
		}
		for i := range hooks {
			h := &hooks[i]
			// box.Reseal answers nil for a secret sealed under the current key.
			sealed, err := box.Reseal(h.Sealed, sealContext(h.ID))
			if err != nil {
				return fmt.Errorf("webhook %s opens with neither master key: %w", h.ID, err)
			}
			changed := sealed != nil
			if changed {
				h.Sealed = sealed
			}
			if h.PreviousSealed != nil {
				prev, err := box.Reseal(h.PreviousSealed, sealContext(h.ID))
				switch {
				case err != nil: // an overlap's secret: dropped rather than fail the rotation
					h.PreviousSealed, h.PreviousUntil, changed = nil, nil, true
				case prev != nil:
					h.PreviousSealed, changed = prev, true
				}
			}
			if !changed {
				continue
			}
			if err := st.UpdateWebhook(ctx, h, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
