package secret

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
)

// Labels of the values derived from a key with HMAC-SHA256. Each use has
// its own, so that no derived value tells anything about another or about
// the key.
const (
	checkLabel = "jiesu key check"
	indexLabel = "jiesu phone index"
)

// derivedKeys is what one key gives besides encryption.
type derivedKeys struct {
	check string // the key's fingerprint, safe to store beside the data
	index []byte // the key of the phone blind index
}

func derive(key []byte) derivedKeys {
	return derivedKeys{
		check: base64.RawURLEncoding.EncodeToString(mac(key, checkLabel)),
		index: mac(key, indexLabel),
	}
}

func mac(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// IDs lists the keyring's key ids, the active one first.
func (k *Keyring) IDs() []string { return slices.Clone(k.ids) }

// Check returns the fingerprint of key id: a keyed check value that tells
// whether another keyring's key of that id is the same key, and nothing
// else. ok is false when the keyring lacks id.
func (k *Keyring) Check(id string) (check string, ok bool) {
	d, ok := k.derived[id]
	return d.check, ok
}
