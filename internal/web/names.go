package web

// Display names are what a login's app said; only some profiles can sign
// one. Wherever a name stands beside a verification badge, the dashboard
// labels it "unsigned" unless it was signed, and every page isolates names
// and message bodies for bidirectional text (<bdi>, dir="auto"), so that a
// right-to-left override in one cannot reorder what stands around it.

// nameUnsigned reports whether user u's display name is the app's claim
// rather than signed by the brand's backend. Inferred (the one place that
// does, until logins store whether the name was signed): only signet and
// pylon-jwt tokens can sign a name, so a name is unsigned unless u holds an
// identity verified by an app of those profiles. profiles maps the
// workspace's app ids to their profiles; nil (an agent, who may not read
// apps) leaves only an unverified user's name surely unsigned.
func nameUnsigned(u *userPanel, profiles map[string]string) bool {
	if u.Name == "" {
		return false
	}
	if profiles == nil {
		return !u.Verified()
	}
	for _, id := range u.Identities {
		if p := profiles[id.AppID]; id.Verified && (p == "signet" || p == "pylon-jwt") {
			return false
		}
	}
	return true
}
