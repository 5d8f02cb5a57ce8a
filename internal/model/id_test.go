package model

import (
	"testing"
	"time"
)

func TestNewOrderedID(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	var prevTime []byte
	for i := range 1000 {
		id := NewOrderedID("ses", t0.Add(time.Duration(i)*time.Millisecond))
		if !ValidID("ses", id) {
			t.Fatalf("%q is not a valid ses id", id)
		}
		if seen[id] {
			t.Fatalf("%q made twice", id)
		}
		seen[id] = true
		raw, err := idEncoding.DecodeString(id[len("ses_"):])
		if err != nil {
			t.Fatal(err)
		}
		// The first 40 bits are the time: later ids carry a later one.
		if prevTime != nil && string(raw[:5]) <= string(prevTime) {
			t.Fatalf("id %d carries time %x, not after %x", i, raw[:5], prevTime)
		}
		prevTime = raw[:5]
	}
	// Ids of one millisecond share their time and differ in their random part.
	a, b := NewOrderedID("att", t0), NewOrderedID("att", t0)
	if a == b || a[:len("att_")+8] != b[:len("att_")+8] {
		t.Errorf("two ids of one millisecond: %q and %q", a, b)
	}
}
