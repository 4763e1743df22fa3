package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// KeyFileName is the file in the data directory that holds the generated
// keyring when security.encryption_keys is empty.
const KeyFileName = "jiesu.key"

// GenerateKey returns a new "id:base64key" entry with a random key, to put
// at the front of security.encryption_keys when rotating.
func GenerateKey(id string) (string, error) {
	if !keyIDPattern.MatchString(id) {
		return "", fmt.Errorf("secret: key id %q: use only letters, digits, _ and -: %w", id, ErrInvalidKeyring)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("secret: generate key: %w", err)
	}
	return id + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// LoadOrCreate returns the keyring that spec describes. With no spec it
// reads <dataDir>/jiesu.key, creating it once with a fresh key (id "k" and
// the date) so that jiesu runs with no setup; created says this call made
// it. mayCreate, when given, is asked first and its error refuses: a
// database that holds values sealed under a lost key needs that key back,
// not a new one. The file suits one instance; several replicas need the
// same keys in their configuration.
func LoadOrCreate(spec, dataDir string, mayCreate func() error) (k *Keyring, created bool, err error) {
	if strings.TrimSpace(spec) != "" {
		k, err = ParseKeyring(spec)
		return k, false, err
	}
	if dataDir == "" {
		return nil, false, fmt.Errorf("secret: no keys configured and no data directory for %s: %w", KeyFileName, ErrInvalidKeyring)
	}
	path := filepath.Join(dataDir, KeyFileName)
	k, err = readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if mayCreate != nil {
		if err := mayCreate(); err != nil {
			return nil, false, fmt.Errorf("secret: %s is missing: %w", path, err)
		}
	}
	return createKeyFile(dataDir, path, time.Now())
}

// Load is LoadOrCreate for a tool that must not make a key: with no spec
// it reads <dataDir>/jiesu.key, and its absence is an error.
func Load(spec, dataDir string) (*Keyring, error) {
	if strings.TrimSpace(spec) != "" {
		return ParseKeyring(spec)
	}
	return readKeyFile(filepath.Join(dataDir, KeyFileName))
}

func readKeyFile(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret: read key file: %w", err)
	}
	k, err := ParseKeyring(string(b))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return k, nil
}

// createKeyFile writes the new key to a temporary file and hard-links it
// into place. The link fails if the file exists, so when two processes start
// on an empty data directory together, one key wins and both use it; and a
// crash never leaves a half-written key file behind.
func createKeyFile(dataDir, path string, now time.Time) (*Keyring, bool, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("secret: create data directory: %w", err)
	}
	entry, err := GenerateKey("k" + now.UTC().Format("20060102"))
	if err != nil {
		return nil, false, err
	}
	tmp, err := os.CreateTemp(dataDir, "."+KeyFileName+"-*") // mode 0600
	if err != nil {
		return nil, false, fmt.Errorf("secret: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(entry + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("secret: write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			k, err := readKeyFile(path)
			return k, false, err
		}
		return nil, false, fmt.Errorf("secret: create key file: %w", err)
	}
	// Losing the key after data was sealed with it loses the data, so the
	// new directory entry is synced too. Some systems cannot sync a
	// directory (Windows); the file's own contents are already synced.
	if d, err := os.Open(dataDir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	k, err := ParseKeyring(entry)
	return k, err == nil, err
}
