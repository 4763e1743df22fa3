package cli

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// digestCard is the first digest card member holds; the test fails
// without one.
func (h *harness) digestCard(member string) fakes.FakeCard {
	h.t.Helper()
	for _, c := range h.fake.Cards(member) {
		if c.Card.ButtonSelection != nil && len(c.Card.ButtonSelection.OptionList) > 0 {
			return c
		}
	}
	h.t.Fatalf("%s holds no digest card", member)
	return fakes.FakeCard{}
}

// Pressing 接单 on a digest card says so on that card at once: nothing
// updates a digest card later, as taking a case does a case's own cards.
func TestDigestCardPressIsConfirmedOnTheCard(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		// More cards than the handler list takes in a minute: the rest
		// arrive as a digest card.
		for i := range 25 {
			h.complaint(fmt.Sprintf("我们宿舍第%d间没有热水", i))
		}
		h.settle(5)
		c := h.digestCard(userMa)
		pick := c.Card.ButtonSelection.OptionList[0].ID
		r, err := h.fake.Press(userMa, c.TaskID, c.Card.ButtonList[0].Key, pick)
		if err != nil || r.Status != http.StatusOK {
			t.Fatalf("press: %+v %v", r, err)
		}
		if r.MsgType != "update_button" || !strings.Contains(r.Text, "已接单") {
			t.Errorf("the digest card answered %+v, want its button to say 已接单", r)
		}
		number := strings.TrimPrefix(pick, "accept@")
		if got := h.get(number); got.State != cases.StateAccepted || got.FirstHandler != "logistics-ma" {
			t.Errorf("%s is %s by %q", number, got.State, got.FirstHandler)
		}
	})
}
