// Package examples holds the brand-side signing snippets, one folder per
// language (go, node, python, java, ruby, php), and the test that runs every
// one of them against the known-answer vectors of testdata/vectors and
// checks their tokens with Signet's own verifier. See README.md.
package examples
