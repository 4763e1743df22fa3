package service_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/routing"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

func newService(t *testing.T, st *store.Store) (*service.Service, *config.Config) {
	t.Helper()
	cfg, err := config.Load("", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.ParseKeyring("t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	router, err := routing.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return service.New(service.Deps{Store: st, Config: cfg, Router: router, Keys: keys, Clock: clock.NewFake(storetest.Epoch())}), cfg
}

func actor(t *testing.T, cfg *config.Config, id string) cases.Actor {
	t.Helper()
	a, err := cfg.Actor(id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Two members of the unit press 接单 at the same moment: the store's version
// check lets one win, and the other is decided again on the new state.
func TestConcurrentAcceptsMakeOneFirstHandler(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		svc, cfg := newService(t, st)
		ctx := context.Background()
		res, err := svc.Create(ctx, actor(t, cfg, "hotline-chen"), service.CreateInput{
			Channel: cases.ChannelHotline1234, Content: "学生公寓3号楼停电了", LeadUnit: "logistics",
		})
		if err != nil {
			t.Fatal(err)
		}
		members := []string{"logistics-li", "logistics-ma"}
		errs := make([]error, len(members))
		var wg sync.WaitGroup
		for i, m := range members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.Act(ctx, actor(t, cfg, m), res.Case.Number, cases.Command{Action: cases.ActionAccept}, "")
			}()
		}
		wg.Wait()
		won, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, cases.ErrIllegalTransition):
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 || refused != 1 {
			t.Fatalf("%d accepted, %d refused; want one each", won, refused)
		}
		c, err := svc.Get(ctx, actor(t, cfg, "office-wang"), res.Case.Number)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := st.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		accepts := 0
		for _, e := range evs {
			if e.Kind == "accept" {
				accepts++
			}
		}
		if accepts != 1 || c.FirstHandler == "" {
			t.Errorf("%d accept events, first handler %q", accepts, c.FirstHandler)
		}
	})
}

// An operator who heard the caller out may choose the category: the case
// then goes to that category's units at its tier, still raised by urgency
// words, and says so among its reasons.
func TestChosenCategoryBringsItsUnitsAndTier(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		svc, cfg := newService(t, st)
		ctx := context.Background()
		op := actor(t, cfg, "hotline-chen")
		// The words say canteen (logistics); the caller's matter is the
		// dormitory's.
		res, err := svc.Create(ctx, op, service.CreateInput{Channel: cases.ChannelHotline1234, Content: "食堂饭菜的事想反映给宿管", Category: "dorm_management"})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Case
		if c.Category != "dorm_management" || c.LeadUnit != "dormitory" || c.Tier != cases.TierGeneral {
			t.Errorf("category %q lead %q tier %q; want dorm_management's dormitory at general", c.Category, c.LeadUnit, c.Tier)
		}
		if len(c.CoUnits) != 1 || c.CoUnits[0].Unit != "student_affairs" {
			t.Errorf("co-units %v, want the category's student_affairs", c.CoUnits)
		}
		if len(c.RouteReasons) == 0 || !strings.HasPrefix(c.RouteReasons[0], "category_chosen: category dorm_management") {
			t.Errorf("reasons %q: want the choice first", c.RouteReasons)
		}
		res, err = svc.Create(ctx, op, service.CreateInput{Channel: cases.ChannelHotline1234, Content: "宿舍楼道着火了", Category: "dorm_management"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.Tier != cases.TierUrgent {
			t.Errorf("fire in a chosen general category: tier %q, want urgent", res.Case.Tier)
		}
	})
}

func TestMergeNeedsAnOpenPrimary(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		svc, cfg := newService(t, st)
		ctx := context.Background()
		office := actor(t, cfg, "office-wang")
		op := actor(t, cfg, "hotline-chen")
		a, err := svc.Create(ctx, op, service.CreateInput{Channel: cases.ChannelHotline1234, Content: "图书馆空调坏了", Hold: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Act(ctx, office, a.Case.Number, cases.Command{Action: cases.ActionMerge}, "JS20000101-0001")
		var ve *cases.ValidationError
		if !errors.As(err, &ve) || ve.Field != "primary" {
			t.Fatalf("merge into a missing case: %v", err)
		}
		_, err = svc.Act(ctx, office, a.Case.Number, cases.Command{Action: cases.ActionMerge}, a.Case.Number)
		if !errors.As(err, &ve) || ve.Field != "primary" {
			t.Fatalf("merge into itself: %v", err)
		}
	})
}

func TestRevealIsLoggedAndLimited(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		svc, cfg := newService(t, st)
		ctx := context.Background()
		res, err := svc.Create(ctx, actor(t, cfg, "hotline-chen"), service.CreateInput{
			Channel: cases.ChannelHotline1234, Content: "学生公寓3号楼停电了", LeadUnit: "logistics",
			Name: "张三", Contact: "13812345678", Confidential: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.Complainant.ContactSealed == "13812345678" || res.Case.Complainant.ContactMasked != "138****5678" {
			t.Fatalf("contact stored as %+v", res.Case.Complainant)
		}
		unit := actor(t, cfg, "logistics-ma")
		if _, err := svc.Act(ctx, unit, res.Case.Number, cases.Command{Action: cases.ActionAccept}, ""); err != nil {
			t.Fatal(err)
		}
		// Confidential: even the unit that accepted does not see the caller.
		if _, err := svc.Reveal(ctx, unit, res.Case.Number); !errors.Is(err, cases.ErrForbidden) {
			t.Errorf("unit reveal of a confidential case: %v", err)
		}
		who, err := svc.Reveal(ctx, actor(t, cfg, "office-wang"), res.Case.Number)
		if err != nil || who.Contact != "13812345678" || who.Name != "张三" {
			t.Fatalf("office reveal = %+v, %v", who, err)
		}
		evs, _ := st.Events(ctx, res.Case.ID)
		if last := evs[len(evs)-1]; last.Kind != "reveal" || last.Actor != "office-wang" {
			t.Errorf("last event %+v, want the reveal", last)
		}
	})
}
