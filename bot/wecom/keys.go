package wecom

import (
	"encoding/base64"
	"errors"
)

// decodeKey turns an EncodingAESKey into its 32 AES bytes.
func decodeKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, errors.New("wecom: encoding_aes_key must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wecom: encoding_aes_key is not base64 of 32 bytes")
	}
	return key, nil
}

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
