package routing

import (
	"errors"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/config"
)

// aliasConfig is testConfig with the names students give two places.
func aliasConfig() *config.Config {
	cfg := testConfig()
	cfg.Routing.PlaceAliases = []config.PlaceAlias{
		{Name: "学一食堂", Aliases: []string{"一食", "学一"}},
		{Name: "逸夫楼", Aliases: []string{"逸夫", "老图"}},
	}
	return cfg
}

// The common forms of a place, each with the place the case gets and the
// words of the text the case names as its source.
func TestRoutePlaceForms(t *testing.T) {
	t.Parallel()
	r, err := New(aliasConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, place, words string
	}{
		{"栋 is 号楼", "3栋今晚停电", "3号楼", "3栋"},
		{"栋楼", "东区12栋楼电梯坏了", "东区12号楼", "东区12栋楼"},
		{"幢 with room", "5幢502室漏水", "5号楼502室", "5幢502室"},
		{"Chinese numeral 栋", "七栋门口积水", "七号楼", "七栋"},
		{"unit of a building", "3号楼2单元502没热水", "3号楼2单元502", "3号楼2单元502"},
		{"unit alone", "2单元楼道灯坏了", "2单元", "2单元"},
		{"apartment with unit", "5号公寓1单元302太吵", "5号公寓1单元302", "5号公寓1单元302"},
		{"room number", "6-312的暖气不热", "6号楼312", "6-312"},
		{"room number in a sentence", "我住在12-1203，水管漏水", "12号楼1203", "12-1203"},
		{"full-width dash", "６－３１２停水", "6号楼312", "6-312"},
		{"canteen alias", "一食的饭菜有异物", "学一食堂", "一食"},
		{"building alias", "老图三楼太冷", "逸夫楼", "老图"},
		{"alias name itself", "逸夫楼门禁坏了", "逸夫楼", "逸夫楼"},
		{"configured name stays", "学一食堂排队太久", "学一食堂", "学一食堂"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := r.Route(tt.text)
			if got.Place != tt.place || got.PlaceWords != tt.words {
				t.Errorf("Route(%q): place %q from %q, want %q from %q", tt.text, got.Place, got.PlaceWords, tt.place, tt.words)
			}
			var reason string
			for _, x := range got.Reasons {
				if x.Rule == RulePlace {
					reason = x.Detail
				}
			}
			if !strings.Contains(reason, `"`+tt.place+`"`) || (tt.words != tt.place && !strings.Contains(reason, `"`+tt.words+`"`)) {
				t.Errorf("Route(%q): place reason %q does not name the place and its words", tt.text, reason)
			}
		})
	}
}

// Numbers with dashes that are not rooms: phone numbers, dates, ids.
func TestRoutePlaceIgnoresOtherNumbers(t *testing.T) {
	t.Parallel()
	r := newTestRouter(t)
	for _, text := range []string{
		"请回电138-1234-5678",
		"电话010-6278 1234没人接",
		"2024-12-25的讲座取消了",
		"学号2021-10086的成绩不对",
		"7-11便利店太贵",
		"-312",
		strings.Repeat("1-", 3000),
	} {
		if got := r.Route(text); got.Place != "" {
			t.Errorf("Route(%.40q).Place = %q (from %q), want none", text, got.Place, got.PlaceWords)
		}
	}
}

func TestPlaceAliasesRefused(t *testing.T) {
	t.Parallel()
	for name, aliases := range map[string][]config.PlaceAlias{
		"no name":         {{Aliases: []string{"一食"}}},
		"empty alias":     {{Name: "学一食堂", Aliases: []string{" "}}},
		"alias of two":    {{Name: "学一食堂", Aliases: []string{"一食"}}, {Name: "第一食堂", Aliases: []string{"一食"}}},
		"alias of two/ci": {{Name: "A楼", Aliases: []string{"ab"}}, {Name: "B楼", Aliases: []string{"AB"}}},
	} {
		cfg := testConfig()
		cfg.Routing.PlaceAliases = aliases
		if _, err := New(cfg); !errors.Is(err, ErrInvalidRule) {
			t.Errorf("%s: New = %v, want ErrInvalidRule", name, err)
		}
	}
}
