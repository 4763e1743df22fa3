package bot_test

import (
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot"
)

func TestEscaperKeepsOwnLinksOnly(t *testing.T) {
	t.Parallel()
	e := bot.NewEscaper("[", "［", "]", "］")
	own := "https://jiesu.example.edu.cn/cases/JS20261128-0001"
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"[文字](http://evil.example)", "［文字］(http：//evil.example)"},
		{"见 www.evil.example", "见 www．evil.example"},
		{"0001 " + own + " [x]", "0001 " + own + " ［x］"},
		{own + "x" + own, own + "x" + own},
		// Our own address inside a link someone else wrote is not ours.
		{"http://evil.example/?u=" + own, "http：//evil.example/?u=" + own},
		{"电话 138-1234-5678，138 1234 5678", "电话 138-1234-5678，138 1234 5678"},
	} {
		if got := e.Escape(tc.in, []string{own}); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Link detectors ignore case: WWW. and Www. are broken as www. is.
func TestEscaperBreaksWWWInAnyCase(t *testing.T) {
	t.Parallel()
	e := bot.NewEscaper()
	for _, in := range []string{"WWW.evil.com", "Www.evil.com/x", "wWw.evil.com", "HTTPS://evil.com"} {
		got := e.Escape(in, nil)
		if strings.Contains(strings.ToLower(got), "www.") || strings.Contains(got, "://") {
			t.Errorf("Escape(%q) = %q: still an address", in, got)
		}
	}
}
