package fakes

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The fake's WeChat crypto is written here from the algorithm (官方
// WXBizMsgCrypt, doc 91144), not taken from the library the service uses,
// so that a test of the service against the fake checks one
// implementation against another; both are checked against the official
// vectors.

// WeChatSignature is sha1 over the sorted, concatenated values, in hex.
func WeChatSignature(values ...string) string {
	v := append([]string(nil), values...)
	sort.Strings(v)
	sum := sha1.Sum([]byte(strings.Join(v, "")))
	return hex.EncodeToString(sum[:])
}

// weChatKey decodes an EncodingAESKey (43 characters of base64 without its
// padding) into the 32-byte AES key.
func weChatKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, errors.New("EncodingAESKey must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("bad EncodingAESKey: %v", err)
	}
	return key, nil
}

// WeChatEncrypt is AES-256-CBC (IV = key[:16]) of random(16) ‖
// len(msg)(4, big-endian) ‖ msg ‖ appID, PKCS#7-padded to 32 bytes, in
// base64.
func WeChatEncrypt(random, msg []byte, appID, encodingAESKey string) (string, error) {
	if len(random) != 16 {
		return "", errors.New("random must be 16 bytes")
	}
	key, err := weChatKey(encodingAESKey)
	if err != nil {
		return "", err
	}
	var plain bytes.Buffer
	plain.Write(random)
	_ = binary.Write(&plain, binary.BigEndian, uint32(len(msg)))
	plain.Write(msg)
	plain.WriteString(appID)
	pad := 32 - plain.Len()%32
	plain.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	out := plain.Bytes()
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, out)
	return base64.StdEncoding.EncodeToString(out), nil
}

// WeChatDecrypt reverses WeChatEncrypt and checks the app id.
func WeChatDecrypt(encrypted, appID, encodingAESKey string) (random, msg []byte, err error) {
	key, err := weChatKey(encodingAESKey)
	if err != nil {
		return nil, nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, nil, fmt.Errorf("base64: %w", err)
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, nil, errors.New("ciphertext is not whole blocks")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, nil, errors.New("bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, nil, errors.New("too short")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if n > len(plain)-20 {
		return nil, nil, errors.New("bad length")
	}
	if got := string(plain[20+n:]); got != appID {
		return nil, nil, fmt.Errorf("app id %q, want %q", got, appID)
	}
	return plain[:16], plain[20 : 20+n], nil
}
