package web

// Display names are what a login's app said; only some profiles can sign
// one. Wherever a name stands beside a verification badge, the dashboard
// labels it "unsigned" unless it was signed, and every page isolates names
// and message bodies for bidirectional text (<bdi>, dir="auto"), so that a
// right-to-left override in one cannot reorder what stands around it.

// nameUnsigned reports whether user u's display name is the app's claim
// rather than signed by the brand's backend: what the login that set it
// stored (model.User.NameUnsigned), the one rule every page follows.
func nameUnsigned(u *userPanel) bool { return u.Name != "" && !u.NameSigned }
