package wecom_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cache"
)

func TestAddressBookPlacesMembersByDepartment(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.fake.AddDepartment(30, 1)
	w.fake.AddUser("SunQi", "孙七", 30)
	book := wecom.NewAddressBook(w.client, []wecom.UnitDepartments{
		{Unit: "logistics", Departments: []int64{12}},
		{Unit: "dormitory", Departments: []int64{30}},
	}, cache.NewMemory(w.clock), 0)
	ctx := context.Background()
	for user, want := range map[string]string{"LiSi": "logistics", "WangWu": "logistics", "SunQi": "dormitory"} {
		name, unit, err := book.Lookup(ctx, user)
		if err != nil || unit != want || name == "" {
			t.Errorf("%s: %q %q %v, want unit %s", user, name, unit, err, want)
		}
	}
	if name, _, err := book.Lookup(ctx, "ZhaoLiu"); !errors.Is(err, bot.ErrNoUnit) || name != "赵六" {
		t.Errorf("a member of no unit: %q %v", name, err)
	}
	var ae *tencent.APIError
	if _, _, err := book.Lookup(ctx, "Nobody"); !errors.As(err, &ae) {
		t.Errorf("an unknown user: %v", err)
	}
	// Answers are cached, strangers too.
	calls := len(w.fake.Calls("user/get")) + len(w.fake.Calls("department/list"))
	for _, u := range []string{"LiSi", "ZhaoLiu", "SunQi"} {
		_, _, _ = book.Lookup(ctx, u)
	}
	if got := len(w.fake.Calls("user/get")) + len(w.fake.Calls("department/list")); got != calls {
		t.Errorf("cached lookups made %d calls", got-calls)
	}
}
