package secret

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateCreatesOnceAndReuses(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "nested") // created if missing
	first, err := loadOrCreate("", dir)
	if err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}
	if !regexp.MustCompile(`^k\d{8}$`).MatchString(first.ActiveID()) {
		t.Errorf("ActiveID() = %q, want k and a date", first.ActiveID())
	}
	path := filepath.Join(dir, KeyFileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	written, _ := os.ReadFile(path)

	sealed, err := first.Seal("张三")
	if err != nil {
		t.Fatal(err)
	}
	second, err := loadOrCreate("", dir)
	if err != nil {
		t.Fatalf("second LoadOrCreate: %v", err)
	}
	if got, err := second.Open(sealed); err != nil || got != "张三" {
		t.Errorf("second keyring opens the first one's value as %q, %v: the key changed", got, err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(written) {
		t.Errorf("the key file was rewritten")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only %s", len(entries), KeyFileName)
	}
}

func TestLoadOrCreateConcurrentStartsAgree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 8
	ids := make([]*Keyring, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { ids[i], errs[i] = loadOrCreate("", dir) })
	}
	wg.Wait()
	sealed, _ := must(t, ids[0], errs[0]).Seal("13812345678")
	for i := 1; i < n; i++ {
		if got, err := must(t, ids[i], errs[i]).Open(sealed); err != nil || got != "13812345678" {
			t.Errorf("keyring %d cannot open keyring 0's value: %q, %v", i, got, err)
		}
	}
}

// loadOrCreate is LoadOrCreate with no database to ask.
func loadOrCreate(spec, dir string) (*Keyring, error) {
	k, _, err := LoadOrCreate(spec, dir, nil)
	return k, err
}

func must(t *testing.T, k *Keyring, err error) *Keyring {
	t.Helper()
	if err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}
	return k
}

func TestLoadOrCreateWithSpecWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k, err := loadOrCreate(k2+","+k1, dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.ActiveID() != "k2" {
		t.Errorf("ActiveID() = %q, want k2", k.ActiveID())
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a configured keyring wrote a key file: %v", err)
	}
	if _, err := loadOrCreate("k1:short", dir); !errors.Is(err, ErrInvalidKeyring) {
		t.Errorf("bad spec = %v, want ErrInvalidKeyring", err)
	}
}

func TestLoadOrCreateReadsExistingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFileName), []byte(k2+","+k1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := loadOrCreate("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.ActiveID() != "k2" {
		t.Errorf("ActiveID() = %q, want k2 from the file", k.ActiveID())
	}
}

func TestLoadOrCreateRefusesBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, KeyFileName)
	if err := os.WriteFile(path, []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadOrCreate("", dir)
	if !errors.Is(err, ErrInvalidKeyring) || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadOrCreate = %v, want ErrInvalidKeyring naming %s", err, path)
	}
	// A broken key file must never be replaced: data sealed with the old
	// key would be lost.
	if b, _ := os.ReadFile(path); string(b) != "garbage\n" {
		t.Errorf("the bad key file was overwritten")
	}
}

func TestLoadOrCreateNeedsSomewhere(t *testing.T) {
	t.Parallel()
	if _, err := loadOrCreate("", ""); !errors.Is(err, ErrInvalidKeyring) {
		t.Errorf("LoadOrCreate with no spec and no dir = %v, want ErrInvalidKeyring", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreate("", file); err == nil {
		t.Errorf("LoadOrCreate under a regular file succeeded")
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	a, err := GenerateKey("k2027")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateKey("k2027")
	if a == b {
		t.Error("two generated keys are equal")
	}
	k, err := ParseKeyring(a + "," + k1)
	if err != nil || k.ActiveID() != "k2027" {
		t.Errorf("generated entry does not parse as the active key: %v", err)
	}
	if _, err := GenerateKey("bad id"); !errors.Is(err, ErrInvalidKeyring) {
		t.Errorf("GenerateKey(bad id) = %v, want ErrInvalidKeyring", err)
	}
}

// Load, for tools beside a running server, reads what LoadOrCreate made and
// never makes a key of its own.
func TestLoadNeverCreates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Load("", dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load on an empty directory: %v, want not found", err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load made a key file: %v", err)
	}
	made, err := loadOrCreate("", dir)
	if err != nil {
		t.Fatal(err)
	}
	read, err := Load("", dir)
	if err != nil || read.ActiveID() != made.ActiveID() {
		t.Fatalf("Load after LoadOrCreate: %v, %v", read, err)
	}
	v, _ := made.Seal("x")
	if !strings.HasPrefix(v, read.ActivePrefix()) || read.KeyID(v) != made.ActiveID() || read.KeyID("not sealed") != "" {
		t.Errorf("prefix %q, key id %q of %q", read.ActivePrefix(), read.KeyID(v), v)
	}
}

// A database holding sealed values refuses a new key: the lost one must
// come back, and no key file is left behind to be taken for it.
func TestLoadOrCreateAsksBeforeCreating(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	refuse := errors.New("the database holds values sealed under k20261128")
	if _, _, err := LoadOrCreate("", dir, func() error { return refuse }); !errors.Is(err, refuse) ||
		!strings.Contains(err.Error(), filepath.Join(dir, KeyFileName)) {
		t.Fatalf("LoadOrCreate = %v, want the refusal naming the missing file", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a refused LoadOrCreate left %d files", len(entries))
	}
	asked := 0
	ok := func() error { asked++; return nil }
	if _, created, err := LoadOrCreate("", dir, ok); err != nil || !created || asked != 1 {
		t.Fatalf("first LoadOrCreate: created %v, asked %d, %v", created, asked, err)
	}
	if _, created, err := LoadOrCreate("", dir, ok); err != nil || created || asked != 1 {
		t.Errorf("second LoadOrCreate: created %v, asked %d, %v; want the file read", created, asked, err)
	}
}
