package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/storetest"
)

func TestZZDebug(t *testing.T) {
	st := storetest.NewSQLite(t)
	h := newHarness(t, st)
	for i := range 300 {
		h.complaint(fmt.Sprintf("我们宿舍第%d间没有热水", i))
		if i%10 == 9 {
			h.drain()
		}
		h.clock.Advance(200 * time.Millisecond)
	}
	h.settle(30)
	t0 := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	for _, p := range h.fake.RobotPosts(robotLogistics) {
		t.Logf("%v items=%d", p.At.Sub(t0), strings.Count(p.Content, "\n> "))
	}
}
