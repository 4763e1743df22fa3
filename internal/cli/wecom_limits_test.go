package cli

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestWeComErrorsRetryRefreshAndDeadLetter(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		ctx := context.Background()

		// 45009: the robot's notice waits the minute out, then goes.
		h.fake.FailNext("webhook/send", 45009)
		c := h.complaint("学生公寓1号楼水管漏水")
		h.drain()
		if n := len(h.fake.RobotPosts(robotLogistics)); n != 0 {
			t.Fatalf("%d posts during 45009", n)
		}
		if _, ok := h.card(userMa, c.Number, "accept"); !ok {
			t.Fatal("the card waited for the robot's limit")
		}
		h.clock.Advance(59 * time.Second)
		h.drain()
		if n := len(h.fake.RobotPosts(robotLogistics)); n != 0 {
			t.Fatalf("retried before the minute: %d posts", n)
		}
		h.clock.Advance(time.Second)
		h.drain()
		if posts := h.fake.RobotPosts(robotLogistics); len(posts) != 1 || !strings.Contains(posts[0].Content, c.Number) {
			t.Fatalf("after the minute: %+v", posts)
		}

		// 40014: the token is refreshed and the card goes in one attempt.
		h.fake.InvalidateTokens()
		tokens := len(h.fake.Calls("gettoken"))
		c2 := h.complaint("学生公寓2号楼没电了")
		h.drain()
		if _, ok := h.card(userMa, c2.Number, "accept"); !ok {
			t.Fatal("no card after the token refresh")
		}
		if n := len(h.fake.Calls("gettoken")) - tokens; n != 1 {
			t.Errorf("%d token fetches, want 1", n)
		}
		items, _ := st.ListOutbox(ctx, c2.ID)
		for _, it := range items {
			if it.State != cases.OutboxSent || it.Attempts != 1 {
				t.Errorf("%s %s: %s after %d attempts", it.Template, it.Data["_delivery"], it.State, it.Attempts)
			}
		}

		// 60020: dead at once, loud, and on /readyz.
		if code, _ := h.readyz(); code != http.StatusOK {
			t.Fatalf("readyz before 60020: %d", code)
		}
		h.fake.FailNext("message/send", 60020)
		c3 := h.complaint("学生公寓3号楼的灯不亮")
		h.drain()
		items, _ = st.ListOutbox(ctx, c3.ID)
		dead := 0
		for _, it := range items {
			if it.State == cases.OutboxDead {
				dead++
				if it.Attempts != 1 || !strings.Contains(it.LastError, "60020") {
					t.Errorf("dead letter: %+v", it)
				}
			}
		}
		if dead != 1 {
			t.Fatalf("%d dead letters, want the card", dead)
		}
		code, body := h.readyz()
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "60020") {
			t.Fatalf("readyz after 60020: %d %s", code, body)
		}
		if !strings.Contains(scrapeApp(t, h.app), `jiesu_platform_api_errors_total{errcode="60020",platform="wecom"} 1`) {
			t.Error("the 60020 is not counted in /metrics")
		}
		// Fixed: the next send clears it.
		h.complaint("学生公寓4号楼插座没电")
		h.drain()
		if code, body := h.readyz(); code != http.StatusOK {
			t.Errorf("readyz after a good send: %d %s", code, body)
		}
	})
}

// TestWeComBurst: 300 cases for one unit within a minute. The robot gets
// at most 20 messages in any minute and no member more than 30; nothing
// is lost (what did not fit arrives in digests that link each case), and
// every case can still be accepted from WeCom.
func TestWeComBurst(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		const n = 300
		var numbers []string
		for i := range n {
			// No place routing knows: cases of one category at one place
			// within minutes are one incident, with one notice.
			c := h.complaint(fmt.Sprintf("我们宿舍第%d间没有热水", i))
			numbers = append(numbers, c.Number)
			if i%10 == 9 {
				h.drain()
			}
			h.clock.Advance(200 * time.Millisecond) // 300 in 60 s
		}
		h.settle(30)

		// Every case reached the group and the handlers, alone or in a
		// digest with its link.
		var group strings.Builder
		for _, p := range h.fake.RobotPosts(robotLogistics) {
			group.WriteString(p.Content)
		}
		for _, num := range numbers {
			if !strings.Contains(group.String(), "/wecom/cases/"+num) {
				t.Fatalf("%s never reached the group", num)
			}
			if !h.offered(userMa, num) {
				t.Fatalf("%s never reached 马超 on a card", num)
			}
		}
		digests := 0
		for _, c := range h.fake.Cards(userMa) {
			if c.Card.ButtonSelection != nil {
				digests++
			}
		}
		if digests == 0 {
			t.Error("no digest card: the burst fitted the limits?")
		}

		// Every case is accepted from WeCom: on its card, on a digest
		// card by picking it, or by a typed command.
		ways := map[string]int{}
		for _, num := range numbers {
			ways[h.acceptFromWeCom(userMa, num)]++
		}
		for _, num := range numbers {
			if c := h.get(num); c.State != cases.StateAccepted || c.FirstHandler != "logistics-ma" {
				t.Fatalf("%s is %s by %q", num, c.State, c.FirstHandler)
			}
		}
		h.settle(60)
		t.Logf("accepted: %v; robot posts %d; 马超 received %d app messages", ways, len(h.fake.RobotPosts(robotLogistics)), len(h.fake.Received(userMa)))
		if ways["card"] == 0 || ways["digest"] == 0 {
			t.Errorf("ways of accepting: %v, want cards and digests used", ways)
		}

		if got := fakes.MaxInWindow(h.fake.RobotTimes(robotLogistics), time.Minute); got > 20 {
			t.Errorf("the robot took %d messages in one minute", got)
		}
		for _, m := range h.fake.Members() {
			var times []time.Time
			for _, d := range h.fake.Received(m) {
				if d.Dropped {
					t.Fatalf("WeCom dropped a message to %s", m)
				}
				times = append(times, d.At)
			}
			if got := fakes.MaxInWindow(times, time.Minute); got > 30 {
				t.Errorf("%s got %d app messages in one minute", m, got)
			}
		}
		// Nothing is lost: every message of every case was delivered.
		for _, num := range numbers {
			items, _ := st.ListOutbox(context.Background(), h.get(num).ID)
			for _, it := range items {
				if it.State != cases.OutboxSent {
					t.Fatalf("%s: %s to %s is %s: %s", num, it.Template, it.To.ID, it.State, it.LastError)
				}
			}
		}
		private := 0
		for _, d := range h.fake.Received(userMa) {
			if strings.Contains(d.Content, "13812345678") {
				private++
			}
		}
		for _, c := range h.fake.Cards(userMa) {
			if len(c.Recipients) == 1 {
				private++
			}
		}
		if private == 0 {
			t.Error("马超 received no private message with the contacts")
		}
	})
}

// settle advances the clock a minute at a time, draining the outbox, until
// nothing is pending (at most minutes).
func (h *harness) settle(minutes int) {
	h.t.Helper()
	for range minutes {
		h.drain()
		counts, err := h.store.OutboxCounts(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		if counts[cases.OutboxPending]+counts[cases.OutboxSending] == 0 {
			return
		}
		h.clock.Advance(time.Minute)
	}
	h.t.Fatalf("the outbox did not settle in %d minutes", minutes)
}

// offered reports whether member holds a card offering to accept number.
func (h *harness) offered(member, number string) bool { return h.offers(member, number) > 0 }

// offers counts the cards member holds that offer to accept number: its
// own and digests that list it.
func (h *harness) offers(member, number string) int {
	key := "accept@" + number
	n := 0
	for _, c := range h.fake.Cards(member) {
		for _, b := range c.Card.ButtonList {
			if b.Key == key {
				n++
			}
		}
		if s := c.Card.ButtonSelection; s != nil {
			for _, o := range s.OptionList {
				if o.ID == key {
					n++
				}
			}
		}
	}
	return n
}

// acceptFromWeCom accepts number as member can in WeCom, and says how.
func (h *harness) acceptFromWeCom(member, number string) string {
	h.t.Helper()
	key := "accept@" + number
	for _, c := range h.fake.Cards(member) {
		if c.Replaced[member] != "" {
			continue
		}
		for _, b := range c.Card.ButtonList {
			if b.Key == key {
				if r, err := h.fake.Press(member, c.TaskID, key, ""); err != nil || r.Status != http.StatusOK {
					h.t.Fatalf("press %s: %+v %v", number, r, err)
				}
				return "card"
			}
		}
		if s := c.Card.ButtonSelection; s != nil {
			for _, o := range s.OptionList {
				if o.ID == key {
					if r, err := h.fake.Press(member, c.TaskID, c.Card.ButtonList[0].Key, key); err != nil || r.Status != http.StatusOK {
						h.t.Fatalf("press %s on a digest: %+v %v", number, r, err)
					}
					return "digest"
				}
			}
		}
	}
	if r, err := h.fake.Write(member, "接单 "+number); err != nil || !strings.Contains(r.Text, "已接单") {
		h.t.Fatalf("typed 接单 %s: %+v %v", number, r, err)
	}
	return "typed"
}
