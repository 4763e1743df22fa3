package unitchat

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/render"
)

type book map[string][2]string // user → name, unit ("" for none)

func (b book) Lookup(_ context.Context, user string) (string, string, error) {
	e, ok := b[user]
	if !ok {
		return "", "", errors.New("no such user")
	}
	if e[1] == "" {
		return e[0], "", fmt.Errorf("%s: %w", user, bot.ErrNoUnit)
	}
	return e[0], e[1], nil
}

func testConfig() *config.Config {
	return &config.Config{
		Units: []config.Unit{{ID: "logistics", Name: "后勤管理处"}, {ID: "dormitory", Name: "宿舍管理中心"}},
		Members: []config.Member{
			{ID: "logistics-ma", Name: "马超", Unit: "logistics", Roles: []string{"handler"}, WeComUser: "MaChao"},
		},
	}
}

func TestPeople(t *testing.T) {
	t.Parallel()
	p := NewPeople(testConfig(), map[string]bot.AddressBook{bot.PlatformWeCom: book{
		"ZhouXin": {"周新", "logistics"}, "Visitor": {"访客", ""}, "Ghost": {"鬼", "mars"},
	}})
	ctx := context.Background()
	a, err := p.Actor(ctx, bot.PlatformWeCom, "MaChao")
	if err != nil || a.MemberID != "logistics-ma" || a.Unit != "logistics" || !a.Has(cases.RoleHandler) {
		t.Errorf("configured member = %+v, %v", a, err)
	}
	a, err = p.Actor(ctx, bot.PlatformWeCom, "ZhouXin")
	if err != nil || a.MemberID != "wecom:ZhouXin" || a.Name != "周新" || a.Unit != "logistics" || !a.Has(cases.RoleHandler) {
		t.Errorf("address-book member = %+v, %v", a, err)
	}
	for _, u := range []string{"Visitor", "Ghost"} {
		if a, err := p.Actor(ctx, bot.PlatformWeCom, u); !errors.Is(err, ErrStranger) || a.MemberID != "wecom:"+u {
			t.Errorf("%s = %+v, %v; want a stranger", u, a, err)
		}
	}
	if _, err := p.Actor(ctx, bot.PlatformDingTalk, "MaChao"); !errors.Is(err, ErrStranger) {
		t.Errorf("a WeCom id on DingTalk: %v", err)
	}
	if _, err := p.Actor(ctx, bot.PlatformWeCom, "Unknown"); err == nil || errors.Is(err, ErrStranger) {
		t.Errorf("a failing address book must not pass for a stranger: %v", err)
	}
	if got := p.Name(ctx, "wecom:ZhouXin"); got != "周新" {
		t.Errorf("Name = %q", got)
	}
	if got := p.Name(ctx, "logistics-ma"); got != "马超" {
		t.Errorf("Name = %q", got)
	}
}

type opener struct{}

func (opener) Open(s string) (string, error) { return "open(" + s + ")", nil }

type spy struct{ got render.Data }

func (s *spy) Render(_ cases.Template, d render.Data) (bot.Message, error) {
	s.got = d
	return bot.Message{Title: "x"}, nil
}

func TestRevealerOpensForTheFirstHandlerOnly(t *testing.T) {
	t.Parallel()
	c := cases.Case{Number: "JS1", FirstHandler: "logistics-ma", Complainant: cases.Complainant{NameSealed: "n", ContactSealed: "p"}}
	for _, tc := range []struct {
		name     string
		template cases.Template
		c        func(cases.Case) cases.Case
		member   string
		want     string
	}{
		{"first handler", TemplateAccepted, func(c cases.Case) cases.Case { return c }, "logistics-ma", "open(p)"},
		{"someone else", TemplateAccepted, func(c cases.Case) cases.Case { return c }, "logistics-li", ""},
		{"confidential", TemplateAccepted, func(c cases.Case) cases.Case { c.Confidential = true; return c }, "logistics-ma", ""},
		{"another template", "case_dispatched", func(c cases.Case) cases.Case { return c }, "logistics-ma", ""},
	} {
		s := &spy{}
		_, err := Revealer{Next: s, Keys: opener{}}.Render(tc.template, render.Data{Case: tc.c(c), Extra: map[string]string{"member": tc.member}})
		if err != nil || s.got.Extra["complainant_contact"] != tc.want {
			t.Errorf("%s: contact %q, %v; want %q", tc.name, s.got.Extra["complainant_contact"], err, tc.want)
		}
	}
}

type keysOf map[string]string

func (k keysOf) Open(s string) (string, error) {
	if v, ok := k[s]; ok {
		return v, nil
	}
	return "", errors.New("unknown key")
}

func TestRevealerMasksTheTextOfEveryOtherMessage(t *testing.T) {
	t.Parallel()
	keys := keysOf{"n": "张三", "p": "13812345678"}
	c := cases.Case{Number: "JS1", FirstHandler: "logistics-ma", Content: "张三：电话138-1234-5678，灯不亮",
		Complainant: cases.Complainant{NameSealed: "n", ContactSealed: "p"}}
	for _, tc := range []struct {
		template     cases.Template
		member, want string
	}{
		{"case_dispatched", "", "张*：电话138****5678，灯不亮"},
		{"escalation", "logistics-ma", "张*：电话138****5678，灯不亮"},
		{TemplateAccepted, "logistics-li", "张*：电话138****5678，灯不亮"},
		{TemplateAccepted, "logistics-ma", c.Content},
	} {
		s := &spy{}
		_, err := Revealer{Next: s, Keys: keys}.Render(tc.template, render.Data{Case: c, Extra: map[string]string{"member": tc.member}})
		if err != nil || s.got.Case.Content != tc.want {
			t.Errorf("%s to %q: text %q, %v; want %q", tc.template, tc.member, s.got.Case.Content, err, tc.want)
		}
	}
	// A name that cannot be opened cannot be masked: nothing is sent.
	c.Complainant.NameSealed = "lost"
	s := &spy{}
	if _, err := (Revealer{Next: s, Keys: keys}).Render("case_dispatched", render.Data{Case: c}); err == nil || s.got.Case.Content != "" {
		t.Errorf("with the name's key lost: %v, rendered %q", err, s.got.Case.Content)
	}
}
