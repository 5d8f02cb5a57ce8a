// Package verify answers one question: is this digest or token, presented for
// this identity, signed with this app's secret under this profile's rules?
//
// It reproduces the identity-verification schemes of the support vendors that
// brands migrate from (Helpshift, Helpshift User Hub, Intercom, Akece, Pylon)
// exactly as ../shared/profiles.md specifies them, plus Signet's own safer
// `signet` profile. It also holds the doctor, which explains *why* a signature
// did not match by re-computing it under the mistakes integrators make.
//
// Each profile is one file (profile_<name>.go) filling one Description,
// registered in the profile table from init; CONTRIBUTING.md says how to add
// one. The package is pure: no I/O, no mutable state once init is done (the
// table is written only by Register, from init functions), an injectable
// clock.
// Every failure is an *Error carrying a stable Reason code; the codes are the
// ones used in the CLI's JSON output, the HTTP API, the verification log and
// metrics labels. Error messages never contain a secret, digest or token.
package verify
