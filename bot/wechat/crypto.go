package wechat

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// Sentinels of a refused callback.
var (
	ErrBadSignature = errors.New("bad signature")
	ErrDecrypt      = errors.New("cannot decrypt")
)

// signatureOK compares WeChat's signature (sha1 of the sorted values) in
// constant time, so that it cannot be guessed byte by byte.
func signatureOK(got string, values ...string) bool {
	if got == "" {
		return false
	}
	want := util.Signature(values...)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// decrypt opens a safe-mode message: AES-256-CBC under the account's key,
// with the app id at the end checked by the library. It returns the
// request's 16 random bytes, which the reply reuses (as WeChat's own
// samples do), and the plain XML.
func decrypt(appID, aesKey, encrypted string) (random, plain []byte, err error) {
	if aesKey == "" {
		return nil, nil, fmt.Errorf("no encoding_aes_key configured: %w", ErrDecrypt)
	}
	random, plain, err = util.DecryptMsg(appID, encrypted, aesKey)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	return random, plain, nil
}

// encrypt seals a reply for safe mode with the request's random bytes.
func encrypt(appID, aesKey string, random, plain []byte) (string, error) {
	out, err := util.EncryptMsg(random, plain, appID, aesKey)
	if err != nil {
		return "", fmt.Errorf("encrypt reply: %w", err)
	}
	return string(out), nil
}

// signature is WeChat's signature of values.
func signature(values ...string) string { return util.Signature(values...) }
