package cli

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func TestWeComEndToEnd(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("学生公寓5号楼热水器坏了，没有热水")
		h.drain()

		// The group notice through the robot, the card through the app.
		posts := h.fake.RobotPosts(robotLogistics)
		if len(posts) != 1 || !strings.Contains(posts[0].Content, "新诉求 "+c.Number) || !strings.Contains(posts[0].Content, "/wecom/cases/"+c.Number) {
			t.Fatalf("group posts = %+v", posts)
		}
		if strings.Contains(posts[0].Content, "13812345678") || strings.Contains(posts[0].Content, "张三") {
			t.Errorf("the group notice shows the complainant: %s", posts[0].Content)
		}
		card, ok := h.card(userMa, c.Number, "accept")
		if !ok {
			t.Fatal("no card reached 马超")
		}
		for _, m := range []string{userMa, userLi, userZhou, userXu} {
			if !containsString(card.Recipients, m) {
				t.Errorf("the card missed %s: %v", m, card.Recipients)
			}
		}

		// 马超 presses 接单.
		if r := h.press(userMa, c.Number, "accept"); r.Status != http.StatusOK || r.MsgType != "" {
			t.Fatalf("press 接单 = %+v", r)
		}
		if got := h.get(c.Number); got.State != cases.StateAccepted || got.FirstHandler != "logistics-ma" {
			t.Fatalf("after 接单: %s by %q", got.State, got.FirstHandler)
		}
		h.drain()
		card, _ = h.fake.Card(card.TaskID)
		for _, m := range card.Recipients {
			if card.Replaced[m] != "已由 马超 接单" {
				t.Errorf("%s's card shows %q", m, card.Replaced[m])
			}
		}
		posts = h.fake.RobotPosts(robotLogistics)
		if len(posts) != 2 || !strings.Contains(posts[1].Content, "已接单 "+c.Number) || !strings.Contains(posts[1].Content, "马超") {
			t.Fatalf("group follow-up = %+v", posts)
		}
		private, ok := h.card(userMa, c.Number, "contact")
		if !ok || private.TaskID == card.TaskID {
			t.Fatal("no private card with the next steps")
		}
		rows := ""
		for _, r := range private.Card.HorizontalContentList {
			rows += r.KeyName + "=" + r.Value + ";"
		}
		if !strings.Contains(rows, "13812345678") || !strings.Contains(rows, "张三") {
			t.Errorf("the private card lacks the full contact: %s", rows)
		}
		if len(private.Recipients) != 1 || private.Recipients[0] != userMa {
			t.Errorf("the contact went to %v", private.Recipients)
		}
		revealed := false
		for _, e := range h.events(c) {
			revealed = revealed || (e.Kind == "reveal" && e.Actor == "logistics-ma")
		}
		if !revealed {
			t.Errorf("the reveal is not on the timeline: %v", kinds(h.events(c)))
		}

		// 已联系 on the private card, then 办结 as a text reply.
		if r := h.press(userMa, c.Number, "contact"); r.MsgType != "update_button" || r.Text != "已登记联系" {
			t.Fatalf("press 已联系 = %+v", r)
		}
		if got := h.get(c.Number); got.State != cases.StateContacted {
			t.Fatalf("after 已联系: %s", got.State)
		}
		r, err := h.fake.Write(userMa, "办结 "+strings.ToLower(c.Number)+" 已更换热水器")
		if err != nil || r.MsgType != "text" || !strings.Contains(r.Text, c.Number+" 已办结") {
			t.Fatalf("办结 reply = %+v, %v", r, err)
		}
		got := h.get(c.Number)
		if got.State != cases.StateFeedbackGiven || got.Result != "已更换热水器" {
			t.Fatalf("after 办结: %s, result %q", got.State, got.Result)
		}
		h.drain()
		// The student's feedback went out on the Official Account.
		var result bool
		for _, o := range h.wechat.sent() {
			result = result || (o.Message.Template == "case_result" && strings.Contains(o.Message.Text, "已更换热水器"))
		}
		if !result {
			t.Errorf("no result to the student: %+v", h.wechat.sent())
		}
		if want := []string{"register", "dispatch", "accept", "reveal", "contact", "resolve", "feedback"}; strings.Join(kinds(h.events(c)), ",") != strings.Join(want, ",") {
			t.Errorf("timeline = %v, want %v", kinds(h.events(c)), want)
		}
	})
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestWeComTwoPressesAtOnce(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("学生公寓3号楼停电了")
		h.drain()
		var wg sync.WaitGroup
		replies := map[string]fakes.FakeReply{}
		var mu sync.Mutex
		for _, m := range []string{userMa, userLi} {
			wg.Go(func() {
				r := h.press(m, c.Number, "accept")
				mu.Lock()
				replies[m] = r
				mu.Unlock()
			})
		}
		wg.Wait()
		got := h.get(c.Number)
		winner, loser, loserName := userMa, userLi, "马超"
		if got.FirstHandler == "logistics-li" {
			winner, loser, loserName = userLi, userMa, "李军"
		} else if got.FirstHandler != "logistics-ma" {
			t.Fatalf("first handler %q", got.FirstHandler)
		}
		if replies[winner].MsgType != "" || replies[loser].Text != "已被 "+loserName+" 接单" {
			t.Fatalf("replies: winner %+v, loser %+v", replies[winner], replies[loser])
		}
		accepts := 0
		for _, e := range h.events(c) {
			if e.Kind == "accept" {
				accepts++
			}
		}
		if accepts != 1 {
			t.Fatalf("%d accept events", accepts)
		}
		h.drain()
		card, _ := h.card(loser, c.Number, "accept")
		if !strings.Contains(card.Replaced[loser], loserName) {
			t.Errorf("the loser's card shows %q, want who accepted", card.Replaced[loser])
		}
		if _, ok := h.card(loser, c.Number, "contact"); ok {
			t.Error("the loser got the private card")
		}
		if _, ok := h.card(winner, c.Number, "contact"); !ok {
			t.Error("the winner has no private card")
		}
	})
}

func TestWeComOtherUnitRefused(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("学生公寓2号楼路灯不亮")
		h.drain()
		before := len(h.events(c))
		// 徐丽 of the dormitory unit holds the card through the duty tag.
		r := h.press(userXu, c.Number, "accept")
		if r.Status != http.StatusOK || r.MsgType != "update_button" || r.Text != "无权操作" {
			t.Fatalf("reply to another unit = %+v", r)
		}
		// A corp member in no unit types the command.
		w, err := h.fake.Write(userVisitor, "接单 "+c.Number)
		if err != nil || !strings.Contains(w.Text, "学校办公室") {
			t.Fatalf("reply to a stranger = %+v, %v", w, err)
		}
		got := h.get(c.Number)
		if got.State != cases.StateDispatched || got.FirstHandler != "" || got.Version != c.Version {
			t.Fatalf("the case changed: %s %q v%d", got.State, got.FirstHandler, got.Version)
		}
		evs := h.events(c)[before:]
		if len(evs) != 2 || evs[0].Kind != service.EventRefused || evs[0].Actor != "dorm-xu" || evs[0].ActorUnit != "dormitory" ||
			evs[1].Actor != "wecom:"+userVisitor || evs[0].Data["action"] != "accept" {
			t.Fatalf("audit events = %+v", evs)
		}
		h.drain()
		if n := len(h.fake.Calls("message/update_template_card")); n != 0 {
			t.Errorf("%d card updates after refusals", n)
		}
		// 周新 is in no configured list but in department 121: the address
		// book makes him a handler of logistics.
		if r := h.press(userZhou, c.Number, "accept"); r.MsgType != "" {
			t.Fatalf("address-book member's press = %+v", r)
		}
		if got := h.get(c.Number); got.FirstHandler != "wecom:"+userZhou {
			t.Fatalf("first handler = %q", got.FirstHandler)
		}
		h.drain()
		card, _ := h.card(userMa, c.Number, "accept")
		if card.Replaced[userMa] != "已由 周新 接单" {
			t.Errorf("card shows %q", card.Replaced[userMa])
		}
		if private, ok := h.card(userZhou, c.Number, "contact"); !ok || len(private.Recipients) != 1 {
			t.Errorf("周新 lacks his private card: %+v", private)
		}
	})
}

func TestWeComForgedCallbacksChangeNothing(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("第一食堂饭菜里有异物")
		h.drain()
		plain := fakes.TextCallback(userMa, "接单 "+c.Number, "9001", h.clock.Now().Unix())
		for name, f := range map[string]fakes.FakeForgery{
			"bad signature": {Signature: strings.Repeat("0", 40)},
			"wrong corp":    {CorpID: "wwAnotherCorp"},
			"tampered":      {Tamper: true},
			"replayed":      {Timestamp: h.clock.Now().Add(-10 * time.Minute).Unix()},
		} {
			if r, err := h.fake.PostCallback(plain, f); err != nil || r.Status != http.StatusUnauthorized {
				t.Errorf("%s: %d %v", name, r.Status, err)
			}
		}
		other := strings.Replace(plain, fakes.FakeWeComCorpID, "wwAnotherCorp", 1)
		if r, _ := h.fake.PostCallback(other, fakes.FakeForgery{}); r.Status != http.StatusUnauthorized {
			t.Errorf("plaintext of another corp: %d", r.Status)
		}
		if got := h.get(c.Number); got.State != cases.StateDispatched || got.Version != c.Version {
			t.Fatalf("a forged callback changed the case: %s v%d", got.State, got.Version)
		}
		if k := kinds(h.events(c)); len(k) != 2 {
			t.Fatalf("events after forgeries: %v", k)
		}
		// The genuine one, once; its replay within the window is a retry.
		if r, _ := h.fake.PostCallback(plain, fakes.FakeForgery{}); r.Status != http.StatusOK {
			t.Fatalf("genuine: %d", r.Status)
		}
		if r, _ := h.fake.PostCallback(plain, fakes.FakeForgery{}); r.Status != http.StatusOK || r.MsgType != "" {
			t.Fatalf("replay inside the window: %+v", r)
		}
		if got := h.get(c.Number); got.State != cases.StateAccepted {
			t.Fatalf("genuine callback: %s", got.State)
		}
	})
}

func TestWeComExtensionAndReturn(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("图书馆的空调坏了")
		h.drain()
		if r, err := h.fake.Write(userMa, "接单 "+c.Number); err != nil || !strings.Contains(r.Text, "已接单 "+c.Number) {
			t.Fatalf("typed 接单: %+v %v", r, err)
		}
		h.drain()
		// Accepted by text: every card is updated all the same.
		if card, _ := h.card(userLi, c.Number, "accept"); card.Replaced[userLi] != "已由 马超 接单" {
			t.Errorf("李军's card shows %q", card.Replaced[userLi])
		}
		if r, _ := h.fake.Write(userMa, "延期 "+c.Number+" 3天 需要采购配件"); !strings.Contains(r.Text, "已申请延期") {
			t.Fatalf("延期 reply = %+v", r)
		}
		h.drain()
		// The school office decides on its own card.
		if r := h.press(userWang, c.Number, "approve_extension"); r.Status != http.StatusOK {
			t.Fatalf("approve: %+v", r)
		}
		got := h.get(c.Number)
		if got.Extension == nil || got.Extension.Status != cases.ExtensionApproved || !got.ResolveBy.Equal(c.ResolveBy.Add(72*time.Hour)) {
			t.Fatalf("extension = %+v, resolve by %v", got.Extension, got.ResolveBy)
		}
		h.drain()
		if posts := h.fake.RobotPosts(robotLogistics); !strings.Contains(posts[len(posts)-1].Content, "延期已同意") {
			t.Errorf("the group was not told: %+v", posts[len(posts)-1])
		}

		c2 := h.complaint("学生公寓3号楼门禁坏了")
		h.drain()
		if r, _ := h.fake.Write(userMa, "退回 "+c2.Number); !strings.Contains(r.Text, "理由") {
			t.Fatalf("退回 without a reason = %+v", r)
		}
		if r, _ := h.fake.Write(userMa, "退回 "+c2.Number+" 门禁归保卫处"); !strings.Contains(r.Text, "已退回") {
			t.Fatalf("退回 = %+v", r)
		}
		if got := h.get(c2.Number); got.State != cases.StateRegistered || got.LeadUnit != "" {
			t.Fatalf("after 退回: %s at %q", got.State, got.LeadUnit)
		}
		h.drain()
		if card, _ := h.card(userLi, c2.Number, "accept"); card.Replaced[userLi] != "已退回" {
			t.Errorf("the returned case's card shows %q", card.Replaced[userLi])
		}
		told := false
		for _, d := range h.fake.Received(userWang) {
			told = told || strings.Contains(d.Content, "诉求被退回 "+c2.Number)
		}
		if !told {
			t.Errorf("the school office was not told of the return: %+v", h.fake.Received(userWang))
		}
	})
}

// Accepting a case of an incident accepts every case of it that waited,
// and each private message shows that case's complainant: each is a reveal
// on its own case's timeline, not only on the case pressed.
func TestIncidentAcceptRecordsEveryReveal(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		var numbers []string
		for i, phone := range []string{"13811110001", "13811110002", "13811110003"} {
			h.clock.Advance(time.Minute)
			out, err := h.svc.Create(t.Context(), cases.SystemActor(), service.CreateInput{
				Channel: cases.ChannelWeChatOA, Identity: "oStudent-" + phone, Name: "学生" + phone[len(phone)-1:], Contact: phone,
				Content: "学生公寓3号楼停电了", LeadUnit: "logistics",
			})
			if err != nil {
				t.Fatalf("complaint %d: %v", i, err)
			}
			numbers = append(numbers, out.Case.Number)
		}
		h.drain()
		h.press(userMa, numbers[0], "accept")
		h.drain()
		for _, n := range numbers {
			c := h.get(n)
			reveals := 0
			for _, k := range kinds(h.events(c)) {
				if k == "reveal" {
					reveals++
				}
			}
			if c.FirstHandler != "logistics-ma" || reveals != 1 {
				t.Errorf("%s: first handler %q, %d reveals; want logistics-ma and one", n, c.FirstHandler, reveals)
			}
		}
	})
}
