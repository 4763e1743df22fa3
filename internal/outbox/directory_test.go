package outbox

import (
	"errors"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
)

func TestDirectory(t *testing.T) {
	t.Parallel()
	d := NewDirectory(testConfig())
	c := dispatchedCase(1, cases.ChannelWeChatOA)
	one := func(to cases.Recipient) bot.Address {
		t.Helper()
		addrs, err := d.Resolve(c, to)
		if err != nil || len(addrs) != 1 {
			t.Fatalf("Resolve(%+v) = %v, %v", to, addrs, err)
		}
		return addrs[0]
	}
	if a := one(toUnit("library")); a.Platform != bot.PlatformLog || a.IDs[0] != "library" || strings.Join(a.Members, ",") != "library-zhou" {
		t.Errorf("unit without chat = %+v, want the log, by unit and member ids", a)
	}
	if a := one(toUnit("student_affairs")); a.Platform != bot.PlatformDingTalk || a.IDs[0] != "cid-students" {
		t.Errorf("dingtalk unit = %+v", a)
	}
	// A member is reached on the unit's platform…
	if a := one(cases.Recipient{Kind: cases.ToMember, ID: "logistics-li"}); a.Platform != bot.PlatformWeCom || a.IDs[0] != "LiSi" || a.Kind != bot.AddressUser {
		t.Errorf("member = %+v", a)
	}
	// …or where they are, when their unit has no chat.
	if a := one(cases.Recipient{Kind: cases.ToMember, ID: "library-zhou"}); a.Platform != bot.PlatformDingTalk || a.IDs[0] != "zhou.dd" {
		t.Errorf("member of a logging unit = %+v", a)
	}
	// …or in the log, by id, when they have no chat identity yet.
	if a := one(cases.Recipient{Kind: cases.ToMember, ID: "logistics-new"}); a.Platform != bot.PlatformLog || a.IDs[0] != "logistics-new" {
		t.Errorf("member without chat = %+v", a)
	}
	web := c
	web.Channel = cases.ChannelWeb
	if addrs, err := d.Resolve(web, cases.Recipient{Kind: cases.ToComplainant}); err != nil || addrs[0].Platform != bot.PlatformSandbox {
		t.Errorf("web complainant = %v, %v", addrs, err)
	}
	anonymous := c
	anonymous.Complainant.Identity = ""
	if _, err := d.Resolve(anonymous, cases.Recipient{Kind: cases.ToComplainant}); !errors.Is(err, ErrNoChatPath) {
		t.Errorf("complainant without identity: %v", err)
	}
	for _, to := range []cases.Recipient{
		{Kind: cases.ToMember, ID: "nobody"}, {Kind: cases.ToUnit, ID: "nowhere"},
		{Kind: cases.ToRole, ID: "supervisor"}, {Kind: "pigeon", ID: "x"},
	} {
		if _, err := d.Resolve(c, to); !errors.Is(err, ErrUnknownRecipient) {
			t.Errorf("Resolve(%+v) = %v, want ErrUnknownRecipient", to, err)
		}
	}
}
