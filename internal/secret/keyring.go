// Package secret protects complainants' names and contacts: it seals them
// with AES-256-GCM before they are stored, opens them for the few people
// allowed to see them, and masks them for everyone else. Keys carry ids so
// they can be rotated without re-encrypting everything at once.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

const (
	// formatV1 prefixes every sealed value, so a later format can be told
	// apart from this one.
	formatV1 = "v1"
	// aad is the GCM additional data: a value sealed by jiesu for a
	// complainant cannot be passed off as one sealed for another purpose
	// under the same key.
	aad = "jiesu/complainant"
)

// keyIDPattern keeps ids free of the "." and "," and ":" that separate the
// parts of sealed values and key specifications.
var keyIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// payloadEncoding is unpadded base64url, so sealed values fit in URLs and
// file names. The decoder is strict; parse also refuses non-canonical text,
// so any change to a sealed value is caught.
var payloadEncoding = base64.RawURLEncoding.Strict()

// Keyring holds the keys: the active one seals, all of them open. It is
// immutable and safe for concurrent use.
type Keyring struct {
	active string
	ids    []string
	aeads  map[string]cipher.AEAD
	// derived holds what each key gives besides encryption: its
	// fingerprint and its phone-index key (derive.go).
	derived map[string]derivedKeys
}

// ParseKeyring reads "id1:base64key1,id2:base64key2". Each key is 32 bytes
// in standard or URL-safe base64, padded or not; ids are letters, digits,
// "_" and "-", each used once. The first key is the active one.
func ParseKeyring(spec string) (*Keyring, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("secret: no keys: %w", ErrInvalidKeyring)
	}
	k := &Keyring{aeads: make(map[string]cipher.AEAD), derived: make(map[string]derivedKeys)}
	for i, entry := range strings.Split(spec, ",") {
		// Errors name the entry by position and id, never by its key text.
		id, encoded, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, fmt.Errorf("secret: key entry %d: want id:base64key: %w", i+1, ErrInvalidKeyring)
		}
		id = strings.TrimSpace(id)
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("secret: key entry %d: id %q: use only letters, digits, _ and -: %w", i+1, id, ErrInvalidKeyring)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("secret: key entry %d: id %q used twice: %w", i+1, id, ErrInvalidKeyring)
		}
		key, err := decodeKey(encoded)
		if err != nil {
			return nil, fmt.Errorf("secret: key %q: %w: %w", id, ErrInvalidKeyring, err)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("secret: key %q is %d bytes, want %d: %w", id, len(key), KeySize, ErrInvalidKeyring)
		}
		aead, err := newAEAD(key)
		if err != nil {
			return nil, fmt.Errorf("secret: key %q: %w", id, err)
		}
		k.ids = append(k.ids, id)
		k.aeads[id] = aead
		k.derived[id] = derive(key)
	}
	k.active = k.ids[0]
	return k, nil
}

// decodeKey accepts the base64 forms people paste: `openssl rand -base64 32`
// (standard, padded) and URL-safe text from other tools.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// newAEAD wraps the key in GCM with a fresh random 12-byte nonce per seal,
// prepended to the ciphertext (crypto/rand, through the standard library).
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithRandomNonce(block)
}

// ActiveID is the id of the key Seal uses.
func (k *Keyring) ActiveID() string { return k.active }

// ActivePrefix begins every value Seal makes now: a value without it was
// sealed under another key (or another format) and Reseal would move it.
func (k *Keyring) ActivePrefix() string { return formatV1 + "." + k.active + "." }

// KeyID names the key a sealed value was made with, or "" when it is not a
// sealed value at all; it opens nothing, so it names keys the keyring lacks.
func (k *Keyring) KeyID(sealed string) string {
	id, _, err := parse(sealed)
	if err != nil {
		return ""
	}
	return id
}

// String names the keys without showing them, so a keyring that ends up in
// a log line or a panic leaks nothing.
func (k *Keyring) String() string {
	return fmt.Sprintf("secret.Keyring{active: %s, keys: %s}", k.active, strings.Join(k.ids, ","))
}

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// Seal encrypts plaintext under the active key as
// "v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>". An empty plaintext
// stays empty: there is nothing to hide, and "no contact" stays visible as
// such.
func (k *Keyring) Seal(plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	if k == nil || k.active == "" {
		return "", fmt.Errorf("secret: seal: no keys: %w", ErrInvalidKeyring)
	}
	ct := k.aeads[k.active].Seal(nil, nil, []byte(plaintext), []byte(aad))
	return formatV1 + "." + k.active + "." + payloadEncoding.EncodeToString(ct), nil
}

// Open decrypts a value Seal produced with any key of the keyring. An empty
// value opens to "".
func (k *Keyring) Open(sealed string) (string, error) {
	plaintext, _, err := k.open(sealed)
	return plaintext, err
}

// Reseal re-encrypts a value sealed with an older key under the active one,
// reporting whether it changed: the step that lets an old key be retired.
// A value already under the active key is still opened, so corruption is
// reported rather than carried forward.
func (k *Keyring) Reseal(sealed string) (string, bool, error) {
	if sealed == "" {
		return "", false, nil
	}
	plaintext, id, err := k.open(sealed)
	if err != nil {
		return "", false, err
	}
	if id == k.active {
		return sealed, false, nil
	}
	resealed, err := k.Seal(plaintext)
	if err != nil {
		return "", false, err
	}
	return resealed, true, nil
}

func (k *Keyring) open(sealed string) (plaintext, id string, err error) {
	if sealed == "" {
		return "", "", nil
	}
	id, ct, err := parse(sealed)
	if err != nil {
		return "", "", err
	}
	var aead cipher.AEAD
	if k != nil {
		aead = k.aeads[id]
	}
	if aead == nil {
		return "", "", fmt.Errorf("secret: open: key %q: %w", id, ErrUnknownKey)
	}
	pt, err := aead.Open(nil, nil, ct, []byte(aad))
	if err != nil {
		return "", "", fmt.Errorf("secret: open with key %q: %w", id, ErrTampered)
	}
	return string(pt), id, nil
}

// parse splits a sealed value into its key id and nonce ‖ ciphertext ‖ tag.
func parse(sealed string) (id string, ct []byte, err error) {
	version, rest, ok := strings.Cut(sealed, ".")
	if !ok || version != formatV1 {
		return "", nil, fmt.Errorf("secret: open: not a %s sealed value: %w", formatV1, ErrMalformed)
	}
	id, payload, ok := strings.Cut(rest, ".")
	if !ok || !keyIDPattern.MatchString(id) {
		return "", nil, fmt.Errorf("secret: open: bad key id: %w", ErrMalformed)
	}
	ct, err = payloadEncoding.DecodeString(payload)
	// The decoder skips line breaks; comparing with the canonical encoding
	// refuses them, so one sealed value has exactly one spelling.
	if err != nil || payloadEncoding.EncodeToString(ct) != payload {
		return "", nil, fmt.Errorf("secret: open: payload is not base64url: %w", ErrMalformed)
	}
	if len(ct) < minSealedLen {
		return "", nil, fmt.Errorf("secret: open: payload is %d bytes, too short: %w", len(ct), ErrMalformed)
	}
	return id, ct, nil
}

// minSealedLen is a 12-byte nonce, at least one byte of ciphertext (Seal
// never seals ""), and a 16-byte tag.
const minSealedLen = 12 + 1 + 16
