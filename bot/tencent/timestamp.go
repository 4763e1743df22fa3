package tencent

import (
	"errors"
	"strconv"
	"time"
)

// Sentinels of a callback's timestamp.
var (
	ErrBadTimestamp = errors.New("timestamp is not a number")
	ErrStale        = errors.New("timestamp outside the replay window")
)

// CheckTimestamp refuses a callback whose timestamp (Unix seconds) is
// further than window from now, either way (clocks drift). The signature
// covers the timestamp, so a captured request replays only within the
// window. A window of 0 turns the check off.
func CheckTimestamp(ts string, now time.Time, window time.Duration) error {
	if window <= 0 {
		return nil
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrBadTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > window || d < -window {
		return ErrStale
	}
	return nil
}
