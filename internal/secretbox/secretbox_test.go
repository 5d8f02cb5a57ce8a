package secretbox

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	box, err := New(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("hs-secret-3f9a1c7e5b2d4f60")
	sealed := box.Seal(secret, "key_1")
	if bytes.Contains(sealed, secret) {
		t.Fatal("the sealed bytes contain the secret")
	}
	if again := box.Seal(secret, "key_1"); bytes.Equal(again, sealed) {
		t.Error("two seals of one secret are equal: the nonce is not random")
	}
	got, err := box.Open(sealed, "key_1")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, "key_2"); err != ErrOpen {
		t.Errorf("opened under another key id: %v", err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	if _, err := other.Open(sealed, "key_1"); err != ErrOpen {
		t.Errorf("opened with another master key: %v", err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x40
		if _, err := box.Open(bad, "key_1"); err != ErrOpen {
			t.Fatalf("altered byte %d opened", i)
		}
	}
	if _, err := box.Open(sealed[:10], "key_1"); err != ErrOpen {
		t.Error("a truncated seal opened")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("a short master key was accepted")
	}
}

// TestRotation: during a rotation the box opens secrets sealed under the
// previous master key, and Reseal moves them under the new one.
func TestRotation(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, KeySize), bytes.Repeat([]byte{2}, KeySize)
	oldBox, _ := New(oldKey)
	sealed := oldBox.Seal([]byte("the brand's secret"), "key_1")
	newOnly, _ := New(newKey)
	if _, err := newOnly.Open(sealed, "key_1"); err != ErrOpen {
		t.Fatal("the new key alone opened an old seal")
	}
	rotating, err := New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotating.Open(sealed, "key_1"); err != nil || string(got) != "the brand's secret" {
		t.Fatalf("during rotation: %q %v", got, err)
	}
	resealed, err := rotating.Reseal(sealed, "key_1")
	if err != nil || resealed == nil {
		t.Fatalf("Reseal: %v", err)
	}
	if got, err := newOnly.Open(resealed, "key_1"); err != nil || string(got) != "the brand's secret" {
		t.Fatalf("after Reseal, the new key alone: %q %v", got, err)
	}
	if again, err := rotating.Reseal(resealed, "key_1"); err != nil || again != nil {
		t.Errorf("resealing twice: %v %v", again, err)
	}
	if _, err := rotating.Reseal(sealed, "key_2"); err != ErrOpen {
		t.Errorf("resealed under another context: %v", err)
	}
}

func TestLoadMasterKey(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	k1, src, err := LoadMasterKey(getenv, dir)
	if err != nil || len(k1) != KeySize || !strings.Contains(string(src), "created") {
		t.Fatalf("first run: %v %q", err, src)
	}
	info, err := os.Stat(filepath.Join(dir, "master.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", info.Mode(), err)
	}
	k2, _, err := LoadMasterKey(getenv, dir)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second run read another key: %v", err)
	}
	os.Chmod(filepath.Join(dir, "master.key"), 0o644)
	if _, _, err := LoadMasterKey(getenv, dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key file was accepted: %v", err)
	}

	hexKey := strings.Repeat("ab", KeySize)
	env["SIGNET_MASTER_KEY"] = hexKey
	k, src, err := LoadMasterKey(getenv, dir)
	if err != nil || hex.EncodeToString(k) != hexKey || src != "SIGNET_MASTER_KEY" {
		t.Fatalf("from env: %v %q", err, src)
	}
	env["SIGNET_MASTER_KEY"] = "not-a-key-at-all-but-secretish"
	if _, _, err := LoadMasterKey(getenv, dir); err == nil || strings.Contains(err.Error(), "secretish") {
		t.Errorf("bad env key: %v", err)
	}
	delete(env, "SIGNET_MASTER_KEY")
	file := filepath.Join(t.TempDir(), "mk")
	os.WriteFile(file, []byte(hexKey+"\n"), 0o600)
	env["SIGNET_MASTER_KEY_FILE"] = file
	if k, _, err := LoadMasterKey(getenv, dir); err != nil || hex.EncodeToString(k) != hexKey {
		t.Fatalf("from file: %v", err)
	}
}

func TestDerive(t *testing.T) {
	a, _ := New(bytes.Repeat([]byte{1}, KeySize))
	b, _ := New(bytes.Repeat([]byte{2}, KeySize))
	fp := a.Derive("key fingerprint")
	if len(fp) != 32 || !bytes.Equal(fp, a.Derive("key fingerprint")) {
		t.Fatal("Derive is not a stable 32-byte key")
	}
	if bytes.Equal(fp, a.Derive("another purpose")) || bytes.Equal(fp, b.Derive("key fingerprint")) {
		t.Error("two labels, or two master keys, derive the same key")
	}
	if bytes.Contains(fp, bytes.Repeat([]byte{1}, 8)) {
		t.Error("the derived key shows the master key")
	}
}
