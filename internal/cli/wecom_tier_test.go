package cli

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A complaint the shipped rules make urgent from its words alone reaches
// the unit with the words, and the school office with a card whose one
// button sets the case back to its tier before: one tap, one event, and
// the unit is told the new deadlines.
func TestWeComOneTapDowngrade(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("宿舍楼道里好像有火灾")
		if c.Tier != cases.TierUrgent || c.TierRaisedFrom == "" {
			t.Fatalf("tier %s raised from %q; reasons %q", c.Tier, c.TierRaisedFrom, c.RouteReasons)
		}
		h.drain()
		posts := h.fake.RobotPosts(robotLogistics)
		if len(posts) == 0 || !strings.Contains(posts[len(posts)-1].Content, "紧急依据") {
			t.Errorf("the unit's notice does not show the deciding words: %+v", posts)
		}
		if r := h.press(userWang, c.Number, string(cases.ActionChangeTier)); r.Status != http.StatusOK {
			t.Fatalf("press: %+v", r)
		}
		got := h.get(c.Number)
		if got.Tier != c.TierRaisedFrom || got.TierRaisedFrom != "" || !got.ResolveBy.After(c.ResolveBy) {
			t.Fatalf("after the tap: tier %s (raised from %q), resolve by %v; want %s and a later deadline", got.Tier, got.TierRaisedFrom, got.ResolveBy, c.TierRaisedFrom)
		}
		if !slices.Contains(kinds(h.events(got)), string(cases.ActionChangeTier)) {
			t.Errorf("events %v lack change_tier", kinds(h.events(got)))
		}
		h.drain()
		posts = h.fake.RobotPosts(robotLogistics)
		if !strings.Contains(posts[len(posts)-1].Content, "等级调整") {
			t.Errorf("the unit was not told: %+v", posts[len(posts)-1])
		}
	})
}
