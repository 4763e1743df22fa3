package wecom

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// Sentinels of the callback crypto. Every one means "not from WeCom", and
// the callback answers it with 401.
var (
	ErrBadSignature = errors.New("wecom: msg_signature does not match")
	ErrDecrypt      = errors.New("wecom: cannot decrypt")
	ErrWrongCorp    = errors.New("wecom: message is for another corp")
)

// Crypto is WeCom's callback encryption (doc 91144) for one app: the
// SHA-1 msg_signature over token, timestamp, nonce and ciphertext, and
// AES-256-CBC of random(16) ‖ length(4) ‖ message ‖ corp id. The
// primitives are silenceper/wechat's util, checked against the official
// test vectors; what is ours is refusing anything that does not verify.
type Crypto struct {
	token  string
	corpID string
	aesKey string // EncodingAESKey, 43 characters
}

// NewCrypto checks the EncodingAESKey and returns the app's crypto.
func NewCrypto(token, corpID, encodingAESKey string) (*Crypto, error) {
	if token == "" || corpID == "" {
		return nil, errors.New("wecom: token and corp id are required")
	}
	// Encrypting a byte proves the key decodes to 32 bytes.
	if _, err := util.EncryptMsg(make([]byte, 16), []byte{0}, corpID, encodingAESKey); err != nil {
		return nil, fmt.Errorf("wecom: encoding_aes_key: %w", err)
	}
	return &Crypto{token: token, corpID: corpID, aesKey: encodingAESKey}, nil
}

// Sign is the msg_signature of a ciphertext.
func (c *Crypto) Sign(timestamp, nonce, encrypted string) string {
	return util.Signature(c.token, timestamp, nonce, encrypted)
}

// Verify checks msg_signature in constant time.
func (c *Crypto) Verify(signature, timestamp, nonce, encrypted string) error {
	want := c.Sign(timestamp, nonce, encrypted)
	if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) != 1 {
		return ErrBadSignature
	}
	return nil
}

// Open verifies and decrypts a ciphertext (a POST's Encrypt, a GET's
// echostr) and checks that it was made for this corp.
func (c *Crypto) Open(signature, timestamp, nonce, encrypted string) ([]byte, error) {
	if err := c.Verify(signature, timestamp, nonce, encrypted); err != nil {
		return nil, err
	}
	_, plain, err := util.DecryptMsg(c.corpID, encrypted, c.aesKey)
	if err == nil {
		return plain, nil
	}
	// util reports a foreign receive id by a message, not a type; tell it
	// apart from a broken ciphertext by decrypting without the check.
	if _, _, rerr := util.DecryptMsg(c.receiverOf(encrypted), encrypted, c.aesKey); rerr == nil {
		return nil, ErrWrongCorp
	}
	return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
}

// receiverOf returns the receive id a ciphertext carries, or "".
func (c *Crypto) receiverOf(encrypted string) string {
	key, err := decodeKey(c.aesKey)
	if err != nil {
		return ""
	}
	raw, err := base64Decode(encrypted)
	if err != nil {
		return ""
	}
	_, _, id, err := util.AESDecryptMsg(raw, key)
	if err != nil {
		return ""
	}
	return string(id)
}

// Seal encrypts plaintext for WeCom with the given 16-byte random (nil: a
// fresh one) and returns the ciphertext and its signature.
func (c *Crypto) Seal(random, plaintext []byte, timestamp, nonce string) (encrypted, signature string, err error) {
	if random == nil {
		random = make([]byte, 16)
		const letters = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		if _, err := rand.Read(random); err != nil {
			return "", "", err
		}
		for i, b := range random {
			random[i] = letters[int(b)%len(letters)]
		}
	}
	if len(random) != 16 {
		return "", "", errors.New("wecom: the random must be 16 bytes")
	}
	enc, err := util.EncryptMsg(random, plaintext, c.corpID, c.aesKey)
	if err != nil {
		return "", "", fmt.Errorf("wecom: encrypt: %w", err)
	}
	return string(enc), c.Sign(timestamp, nonce, string(enc)), nil
}

// CorpID is the corp the app belongs to.
func (c *Crypto) CorpID() string { return c.corpID }
