package vectors

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestCopyMatchesShared: testdata/vectors is the product's ../shared/vectors
// byte for byte, file for file, whenever that folder is beside the module.
// A plain clone has no ../shared: the test then says so and passes, since
// the module's copy is what every test reads.
func TestCopyMatchesShared(t *testing.T) {
	shared, err := SharedDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(shared); os.IsNotExist(err) {
		t.Skipf("no ../shared/vectors beside the module: the module's testdata/vectors is used as it is")
	}
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(root, "testdata", "vectors")
	want, got := listFiles(t, shared), listFiles(t, mine)
	if !slices.Equal(want, got) {
		t.Fatalf("testdata/vectors holds %v, ../shared/vectors holds %v: copy the folder again (cp ../shared/vectors/* testdata/vectors/)", got, want)
	}
	for _, name := range want {
		a, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(mine, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("testdata/vectors/%s differs from ../shared/vectors/%s: copy it again, never edit it", name, name)
		}
	}
}

// TestLoadReadsTheModuleCopy: with no $SIGNET_VECTORS, the vectors come from
// the module itself, so nothing outside the clone is needed.
func TestLoadReadsTheModuleCopy(t *testing.T) {
	t.Setenv("SIGNET_VECTORS", "")
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	root, _ := ModuleRoot()
	if dir != filepath.Join(root, "testdata", "vectors") {
		t.Fatalf("Dir() = %s, want the module's testdata/vectors", dir)
	}
	files, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("loaded %d profiles' vectors, want the six vendor profiles", len(files))
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// TestLoadReadsTheSecondWave: the second-wave vendor profiles' vectors, in
// testdata/vectors-second-wave, are loaded with the others, and none of
// them sits in testdata/vectors, which must stay equal to ../shared/vectors.
func TestLoadReadsTheSecondWave(t *testing.T) {
	t.Setenv("SIGNET_VECTORS", "")
	second, err := SecondWaveDir()
	if err != nil {
		t.Fatal(err)
	}
	root, _ := ModuleRoot()
	names := listFiles(t, second)
	files, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range names {
		scheme, ok := strings.CutSuffix(name, ".json")
		if !ok {
			continue
		}
		n++
		if _, err := os.Stat(filepath.Join(root, "testdata", "vectors", name)); err == nil {
			t.Errorf("%s is in both testdata/vectors and testdata/vectors-second-wave", name)
		}
		if f, ok := files[scheme]; !ok || len(f.Cases) == 0 {
			t.Errorf("Load() has no cases for %s", scheme)
		}
	}
	if n == 0 {
		t.Fatalf("no vectors in %s", second)
	}
	// With $SIGNET_VECTORS, that folder alone is read.
	t.Setenv("SIGNET_VECTORS", filepath.Join(root, "testdata", "vectors"))
	if d, _ := SecondWaveDir(); d != "" {
		t.Errorf("SecondWaveDir() = %q with $SIGNET_VECTORS set", d)
	}
}
