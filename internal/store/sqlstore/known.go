package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// RememberAddress records that the user logged in, verified, from the
// address group addrKey at `at` (an upsert: the latest time is kept).
func (s *Store) RememberAddress(ctx context.Context, userID, addrKey string, at time.Time) error {
	_, err := s.writer.ExecContext(ctx, `
		INSERT INTO known_addresses (user_id, addr_key, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, addr_key) DO UPDATE SET seen_at = excluded.seen_at
		WHERE known_addresses.seen_at < excluded.seen_at`,
		userID, addrKey, millis(at))
	if err != nil {
		return fmt.Errorf("remember address: %w", err)
	}
	return nil
}

// AddressKnown reports whether the user logged in, verified, from addrKey
// after `since` (a primary-key lookup).
func (s *Store) AddressKnown(ctx context.Context, userID, addrKey string, since time.Time) (bool, error) {
	var known bool
	err := s.reader.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM known_addresses WHERE user_id = $1 AND addr_key = $2 AND seen_at > $3)`,
		userID, addrKey, millis(since)).Scan(&known)
	if err != nil {
		return false, fmt.Errorf("address known: %w", err)
	}
	return known, nil
}

// ForgetAddresses deletes the known addresses last seen before `before`,
// returning how many.
func (s *Store) ForgetAddresses(ctx context.Context, before time.Time) (int, error) {
	n, err := affected(s.writer.ExecContext(ctx, `DELETE FROM known_addresses WHERE seen_at < $1`, millis(before)))
	if err != nil {
		return 0, fmt.Errorf("forget addresses: %w", err)
	}
	return n, nil
}
