package tencent_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/tencent"
)

func TestCheckTimestamp(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	for _, c := range []struct {
		ts     string
		window time.Duration
		want   error
	}{
		{at(0), time.Minute, nil},
		{at(-time.Minute), time.Minute, nil},
		{at(time.Minute), time.Minute, nil}, // clocks drift either way
		{at(-61 * time.Second), time.Minute, tencent.ErrStale},
		{at(61 * time.Second), time.Minute, tencent.ErrStale},
		{"soon", time.Minute, tencent.ErrBadTimestamp},
		{"soon", 0, nil}, // the check is off
	} {
		if err := tencent.CheckTimestamp(c.ts, now, c.window); !errors.Is(err, c.want) {
			t.Errorf("CheckTimestamp(%q, %s) = %v, want %v", c.ts, c.window, err, c.want)
		}
	}
}
