package tencent

import (
	"errors"
	"fmt"
)

// Error codes both platforms answer (全局返回码 / 全局错误码) and that
// jiesu acts on the same way.
const (
	CodeBusy               = -1
	CodeInvalidCredential  = 40001 // invalid secret or token: dropped early, or another replica fetched a new one
	CodeInvalidTokenFormat = 40014
	CodeTokenMissing       = 41001
	CodeTokenExpired       = 42001
	CodeFrequency          = 45009 // API call quota reached
)

// APIError is an errcode other than 0.
type APIError struct {
	Platform string // "wechat", "wecom"
	API      string // e.g. "message/send"
	Code     int64
	Msg      string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: errcode %d: %s", e.Platform, e.API, e.Code, e.Msg)
}

// ErrorCode returns the errcode in err, or 0.
func ErrorCode(err error) int64 {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// TokenRefused reports an errcode that a fresh access token cures.
func TokenRefused(code int64) bool {
	switch code {
	case CodeInvalidCredential, CodeInvalidTokenFormat, CodeTokenMissing, CodeTokenExpired:
		return true
	}
	return false
}
