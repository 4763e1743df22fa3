package tencent

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// Sentinels of a refused callback: none of them came from the platform.
var (
	ErrBadSignature = errors.New("signature does not match")
	ErrDecrypt      = errors.New("cannot decrypt")
	// ErrWrongReceiver is a ciphertext that opens under the key but was
	// made for another app id or corp id.
	ErrWrongReceiver = fmt.Errorf("%w: made for another app or corp", ErrDecrypt)
)

// Signature is the platforms' SHA-1 over the sorted values: the token,
// timestamp and nonce of a URL, and the ciphertext of a message.
func Signature(values ...string) string { return util.Signature(values...) }

// CheckSignature compares got with the signature of values in constant
// time, so that it cannot be guessed byte by byte.
func CheckSignature(got string, values ...string) error {
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(util.Signature(values...))) != 1 {
		return ErrBadSignature
	}
	return nil
}

// Crypto is WXBizMsgCrypt for one app (WeChat's safe mode, doc 91144 for
// WeCom): the signature over token, timestamp, nonce and ciphertext, and
// AES-256-CBC (PKCS#7 to 32 bytes) of random(16) ‖ length(4) ‖ message ‖
// receiver id, where the receiver is the Official Account's app id or the
// WeCom corp id.
type Crypto struct {
	token      string
	receiverID string
	aesKey     string // EncodingAESKey, 43 characters
}

// NewCrypto checks the EncodingAESKey and returns the app's crypto.
func NewCrypto(token, receiverID, encodingAESKey string) (*Crypto, error) {
	if token == "" || receiverID == "" {
		return nil, errors.New("crypto: token and app or corp id are required")
	}
	if _, err := decodeKey(encodingAESKey); err != nil {
		return nil, err
	}
	return &Crypto{token: token, receiverID: receiverID, aesKey: encodingAESKey}, nil
}

// decodeKey turns an EncodingAESKey into its 32 AES bytes; the library's
// own decoder is unexported and panics on a bad key.
func decodeKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, errors.New("crypto: encoding_aes_key must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("crypto: encoding_aes_key is not base64 of 32 bytes")
	}
	return key, nil
}

// ReceiverID is the app id or corp id messages are made for.
func (c *Crypto) ReceiverID() string { return c.receiverID }

// Sign is the msg_signature of a ciphertext.
func (c *Crypto) Sign(timestamp, nonce, encrypted string) string {
	return util.Signature(c.token, timestamp, nonce, encrypted)
}

// Verify checks msg_signature in constant time.
func (c *Crypto) Verify(signature, timestamp, nonce, encrypted string) error {
	return CheckSignature(signature, c.token, timestamp, nonce, encrypted)
}

// Open verifies and decrypts a ciphertext (a POST's Encrypt, WeCom's
// echostr) and checks that it was made for this app. It returns the
// ciphertext's 16 random bytes too, which WeChat's own samples reuse in the
// reply.
func (c *Crypto) Open(signature, timestamp, nonce, encrypted string) (random, plain []byte, err error) {
	if err := c.Verify(signature, timestamp, nonce, encrypted); err != nil {
		return nil, nil, err
	}
	random, plain, err = util.DecryptMsg(c.receiverID, encrypted, c.aesKey)
	if err == nil {
		return random, plain, nil
	}
	// util reports a foreign receiver by a message, not a type; tell it
	// apart from a broken ciphertext by what the ciphertext names.
	if id, ok := c.receiverOf(encrypted); ok && id != c.receiverID {
		return nil, nil, ErrWrongReceiver
	}
	return nil, nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
}

// receiverOf returns the receiver id a ciphertext carries, if it opens.
func (c *Crypto) receiverOf(encrypted string) (string, bool) {
	key, err := decodeKey(c.aesKey)
	if err != nil {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return "", false
	}
	_, _, id, err := util.AESDecryptMsg(raw, key)
	if err != nil {
		return "", false
	}
	return string(id), true
}

// Seal encrypts plaintext with the given 16-byte random (nil: a fresh one)
// and returns the ciphertext and its signature.
func (c *Crypto) Seal(random, plaintext []byte, timestamp, nonce string) (encrypted, signature string, err error) {
	if random == nil {
		if random, err = freshRandom(); err != nil {
			return "", "", err
		}
	}
	if len(random) != 16 {
		return "", "", errors.New("crypto: the random must be 16 bytes")
	}
	enc, err := util.EncryptMsg(random, plaintext, c.receiverID, c.aesKey)
	if err != nil {
		return "", "", fmt.Errorf("encrypt: %w", err)
	}
	return string(enc), c.Sign(timestamp, nonce, string(enc)), nil
}

// freshRandom is 16 letters and digits, as the official samples make them,
// from crypto/rand: the library's util.RandomStr seeds math/rand with the
// time, so two replies in one nanosecond would share their random.
func freshRandom() ([]byte, error) {
	const letters = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, err
	}
	for i, b := range random {
		random[i] = letters[int(b)%len(letters)]
	}
	return random, nil
}

// Encrypted returns the ciphertext of a callback POST's body, the
// <xml><Encrypt> both platforms send.
func Encrypted(body []byte) (string, error) {
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal(body, &env); err != nil {
		return "", fmt.Errorf("parse envelope: %w", err)
	}
	if env.EncryptedMsg == "" {
		return "", errors.New("no Encrypt element")
	}
	return env.EncryptedMsg, nil
}

// Reply seals a passive reply into the envelope both platforms expect:
// Encrypt, MsgSignature, TimeStamp and Nonce, the last two the request's.
func (c *Crypto) Reply(random, plain []byte, timestamp, nonce string) ([]byte, error) {
	enc, sig, err := c.Seal(random, plain, timestamp, nonce)
	if err != nil {
		return nil, err
	}
	return xml.Marshal(replyEnvelope{Encrypt: cdata{enc}, MsgSignature: cdata{sig}, TimeStamp: timestamp, Nonce: cdata{nonce}})
}

// replyEnvelope is the envelope of the official samples (WXBizMsgCrypt):
// the library's message.ResponseEncryptedXMLMsg would keep the timestamp
// as an int64, turning a signed "0123" into "123".
type replyEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

type cdata struct {
	Value string `xml:",cdata"`
}
