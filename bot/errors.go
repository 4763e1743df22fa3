package bot

import (
	"errors"
	"fmt"
	"time"
)

// Sentinels a sender wraps (in a permanent SendError) when the request can
// never succeed as it stands.
var (
	// ErrUnsupported: the platform cannot deliver to this kind of address or
	// this kind of message.
	ErrUnsupported = errors.New("not supported by the platform")
	// ErrBadAddress: the address is empty or malformed for the platform.
	ErrBadAddress = errors.New("bad address")
)

// SendError is a failed send, classified by the platform that knows its
// error codes: a Retryable error is tried again after a backoff (or after
// RetryAfter, when the platform said how long to wait); any other is
// dead-lettered at once, since repeating it cannot help.
type SendError struct {
	// Code is the platform's error code (WeCom errcode, DingTalk code),
	// kept for logs and metrics.
	Code       string
	Retryable  bool
	RetryAfter time.Duration
	Err        error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Retryable {
		kind = "retryable"
	}
	msg := kind + " send error"
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SendError) Unwrap() error { return e.Err }

// Permanent marks err as not worth retrying. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &SendError{Err: err}
}

// Retryable marks err as worth retrying, after at least `after` when it is
// positive (a platform's rate-limit window) or after the worker's backoff.
// Retryable(nil, …) is nil.
func Retryable(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &SendError{Retryable: true, RetryAfter: after, Err: err}
}

// Permanentf is Permanent(fmt.Errorf(format, args...)).
func Permanentf(format string, args ...any) error {
	return Permanent(fmt.Errorf(format, args...))
}

// IsPermanent reports whether err is a SendError that must not be retried.
// An unclassified error (a timeout, a reset connection) is not permanent:
// the worker retries it, because most transport failures pass.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && !se.Retryable
}

// RetryAfter returns the wait a platform asked for, or 0.
func RetryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) && se.Retryable {
		return se.RetryAfter
	}
	return 0
}

// ErrorCode returns the platform's error code, or "".
func ErrorCode(err error) string {
	var se *SendError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}
