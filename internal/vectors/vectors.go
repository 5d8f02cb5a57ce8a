// Package vectors loads the known-answer cases of testdata/vectors, which
// every test of a profile uses as they are. The folder is a byte-for-byte
// copy of the product's ../shared/vectors, kept in the module so that a
// plain clone tests on its own; vectors_test.go checks the copy still equals
// ../shared/vectors wherever that folder sits beside the repository.
//
// The second-wave vendors' vectors (profiles.md, "Second-wave vendor
// profiles") have no counterpart in ../shared/vectors: they are the
// project's own, in testdata/vectors-second-wave, which Load reads too. A
// profile whose vectors later reach ../shared/vectors moves from there to
// testdata/vectors; a profile in both folders is an error.
package vectors

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// File is one profile's vectors.
type File struct {
	Scheme string `json:"scheme"`
	Secret string `json:"secret"`
	Now    int64  `json:"now"`
	AppID  string `json:"app_id"`
	Cases  []Case `json:"cases"`
}

// Case is one known answer. Secret, Now and AppID are filled from the file
// when the case has none of its own.
type Case struct {
	Name        string            `json:"name"`
	Secret      string            `json:"secret"`
	Now         int64             `json:"now"`
	AppID       string            `json:"app_id"`
	UID         *string           `json:"uid"`
	Email       *string           `json:"email"`
	Identifier  *string           `json:"identifier"`
	FullPrivacy bool              `json:"full_privacy"`
	Digest      string            `json:"digest"`
	Token       string            `json:"token"`
	Request     map[string]string `json:"request"`
	Valid       bool              `json:"valid"`
	Reason      []string          `json:"reason"`
	Cause       string            `json:"cause"`
	Identities  [][2]string       `json:"identities"`
}

// UserID is what the client sends as user_id: the uid, or akece's identifier.
func (c Case) UserID() string {
	if c.Identifier != nil {
		return *c.Identifier
	}
	if c.UID != nil {
		return *c.UID
	}
	return c.Request["uid"]
}

// EmailSent is the email the client sends.
func (c Case) EmailSent() string {
	if c.Email != nil {
		return *c.Email
	}
	return c.Request["email"]
}

// Dir is the module's testdata/vectors, or $SIGNET_VECTORS when set.
func Dir() (string, error) {
	if d := os.Getenv("SIGNET_VECTORS"); d != "" {
		return d, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testdata", "vectors"), nil
}

// SecondWaveDir is the module's testdata/vectors-second-wave: the vectors
// of the profiles that ../shared/vectors does not hold.
func SecondWaveDir() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testdata", "vectors-second-wave"), nil
}

// SharedDir is the product's ../shared/vectors beside the module root (it
// may not exist: a plain clone has none).
func SharedDir() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "vectors"), nil
}

// ModuleRoot is the folder of the go.mod above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Load reads every vectors file, keyed by profile name: those of Dir and
// those of SecondWaveDir.
func Load() (map[string]File, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("no vectors in " + dir)
	}
	second, err := SecondWaveDir()
	if err != nil {
		return nil, err
	}
	more, err := filepath.Glob(filepath.Join(second, "*.json"))
	if err != nil {
		return nil, err
	}
	paths = append(paths, more...)
	files := make(map[string]File)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var f File
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, errors.New(p + ": " + err.Error())
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			if c.Secret == "" {
				c.Secret = f.Secret
			}
			if c.Now == 0 {
				c.Now = f.Now
			}
			if c.AppID == "" {
				c.AppID = f.AppID
			}
		}
		if _, dup := files[f.Scheme]; dup {
			return nil, errors.New(p + ": the vectors of " + f.Scheme + " are in another file too (a second-wave profile whose vectors reached testdata/vectors leaves testdata/vectors-second-wave)")
		}
		files[f.Scheme] = f
	}
	return files, nil
}

// MustLoad loads the vectors or fails the test.
func MustLoad(tb testing.TB) map[string]File {
	tb.Helper()
	files, err := Load()
	if err != nil {
		tb.Fatalf("loading testdata/vectors: %v", err)
	}
	return files
}

// Schemes returns the profile names in files, sorted.
func Schemes(files map[string]File) []string {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
