package vectors

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
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
