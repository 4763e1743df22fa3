package cli

import (
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// What handlers see: category names, not ids; and the accepting member's
// private card shows what, where, by when and whom to call in its rows.
func TestHandlersSeeNamesAndWhatTheyNeedFirst(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("学生公寓5号楼卫生间的灯不亮")
		h.drain()
		if c.Category != "water_power" {
			t.Fatalf("routed to %q", c.Category)
		}
		posts := h.fake.RobotPosts(robotLogistics)
		if len(posts) == 0 || !strings.Contains(posts[0].Content, "类别：水电维修") || strings.Contains(posts[0].Content, "water_power") {
			t.Errorf("group notice:\n%v", posts)
		}
		group, ok := h.card(userMa, c.Number, "accept")
		if !ok {
			t.Fatal("no 接单 card")
		}
		rows := map[string]string{}
		for _, r := range group.Card.HorizontalContentList {
			rows[r.KeyName] = r.Value
		}
		if rows["类别"] != "水电维修" || rows["诉求"] == "" || rows["办结时限"] == "" {
			t.Errorf("接单 card rows = %v", rows)
		}

		h.press(userMa, c.Number, "accept")
		h.drain()
		private, ok := h.card(userMa, c.Number, "contact")
		if !ok {
			t.Fatal("no private card after 接单")
		}
		var keys []string
		for _, r := range private.Card.HorizontalContentList {
			keys = append(keys, r.KeyName)
			if r.KeyName == "诉求" && !strings.Contains(r.Value, "灯不亮") {
				t.Errorf("诉求 row = %q", r.Value)
			}
		}
		if got := strings.Join(keys, " "); !strings.HasPrefix(got, "诉求 地点 办结时限 诉求人 联系电话") {
			t.Errorf("private card rows = %s, want what, where, by when, who to call first", got)
		}
	})
}
