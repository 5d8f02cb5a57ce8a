// Package migrate holds the migration guides (the Markdown files beside this
// one). It has no code: its test runs every guide's commands against a real
// Signet, so that what the guides show stays true.
package migrate
