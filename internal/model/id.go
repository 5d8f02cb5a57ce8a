package model

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random id with a kind prefix, such as "app_k3j…": 80
// random bits, enough that ids never collide and cannot be guessed.
func NewID(prefix string) string {
	var b [10]byte
	rand.Read(b[:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// NewOrderedID returns an id of NewID's form whose first 40 bits are the
// time in milliseconds (since 2020, modulo 2⁴⁰: 34 years) and the other 40
// random. Ids made one after the other share their first characters, so
// a database index on them grows in one place instead of dirtying a page
// at random for each new row: for records written at a high rate whose id
// is no secret, sessions (their token is the secret) and verification-log
// entries. Two ids of one millisecond collide once in about a million
// million pairs; a collision fails the write that makes it, never merges
// two records.
func NewOrderedID(prefix string, now time.Time) string {
	var b [10]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli()-orderedEpoch)<<24)
	rand.Read(b[5:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// orderedEpoch is 2020-01-01 in Unix milliseconds.
const orderedEpoch = 1577836800000

// ValidID reports whether s looks like an id of NewID with this prefix, so
// that junk never reaches a query.
func ValidID(prefix, s string) bool {
	rest, ok := strings.CutPrefix(s, prefix+"_")
	if !ok || len(rest) != 16 {
		return false
	}
	_, err := idEncoding.DecodeString(rest)
	return err == nil
}
