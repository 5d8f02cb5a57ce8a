-- The addresses (an IPv4 address or an IPv6 /64, hashed) each user logged
-- in from with a verified signature: failures from elsewhere may lock an
-- identity out for unknown addresses, never for these (internal/login,
-- guard.go). Written only when a node meets a (user, address) pair it has
-- not seen; read only when the identity's failures reached their limit.
CREATE TABLE known_addresses (
    user_id  TEXT NOT NULL,
    addr_key TEXT NOT NULL,
    seen_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, addr_key)
);
