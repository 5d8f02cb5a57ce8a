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

// TestLoadReadsTheSecondWave: Load reads testdata/vectors-second-wave too,
// whose profiles ../shared/vectors does not hold (so the copy check above
// and CI's diff stay exact), and none of which is also in testdata/vectors.
func TestLoadReadsTheSecondWave(t *testing.T) {
	t.Setenv("SIGNET_VECTORS", "")
	second, err := SecondWaveDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root, _ := ModuleRoot()
	first := listFiles(t, filepath.Join(root, "testdata", "vectors"))
	var jsons []string
	for _, name := range listFiles(t, second) {
		if filepath.Ext(name) == ".json" {
			jsons = append(jsons, name)
		}
	}
	if len(jsons) == 0 {
		t.Fatal("no vectors in testdata/vectors-second-wave")
	}
	for _, name := range jsons {
		scheme := name[:len(name)-len(".json")]
		f, ok := files[scheme]
		if !ok || len(f.Cases) == 0 {
			t.Errorf("Load did not read %s", name)
		}
		if slices.Contains(first, name) {
			t.Errorf("%s is in testdata/vectors and testdata/vectors-second-wave", name)
		}
		for _, c := range f.Cases {
			if c.Secret == "" || c.Now == 0 {
				t.Errorf("%s/%s: the file's secret and clock were not filled in", scheme, c.Name)
			}
		}
	}
}

// TestLoadRefusesAProfileInBothFolders: a second-wave profile whose vectors
// reached the first folder must leave the second, or one copy would go stale.
func TestLoadRefusesAProfileInBothFolders(t *testing.T) {
	second, err := SecondWaveDir()
	if err != nil {
		t.Fatal(err)
	}
	names := listFiles(t, second)
	var name string
	for _, n := range names {
		if filepath.Ext(n) == ".json" {
			name = n
			break
		}
	}
	if name == "" {
		t.Skip("no second-wave vectors")
	}
	b, err := os.ReadFile(filepath.Join(second, name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIGNET_VECTORS", dir)
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "in another file too") {
		t.Fatalf("Load with %s in both folders: %v", name, err)
	}
}
