// Package model holds Signet's domain types — workspaces, apps, keys, users
// and their identities, sessions, the verification log, accounts and API
// tokens — and the one error type every layer reports with.
package model
