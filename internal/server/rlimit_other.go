//go:build !unix

package server

// openFileLimit is unknown here: the cap is DefaultMaxConnections.
func openFileLimit() int { return 0 }
