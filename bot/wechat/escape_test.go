package wechat

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/hostile"
)

var addressOf = regexp.MustCompile(`(://|www\.)` + regexp.QuoteMeta(hostile.EvilHost))

// A unit's result reaches the student as text: its <a href> and addresses
// stay text, and the only link is the survey button's.
func TestCustomerServiceTextLeavesResultInert(t *testing.T) {
	t.Parallel()
	survey := "https://jiesu.example.edu.cn/survey/v1.t1.abc"
	for name, s := range hostile.Texts {
		out := plainText(bot.Message{Title: "您的诉求已办结（JS20261128-0001）", Text: "办理单位：后勤管理处\n办理结果：" + s,
			Actions: []bot.Button{{Key: "rate", Label: "评价", URL: survey}}})
		anchors := strings.Count(out, "<a ")
		if anchors != 1 || strings.Count(out, "<") != 2 || strings.Count(out, ">") != 2 || !strings.HasSuffix(out, `<a href="`+survey+`">评价</a>`) {
			t.Errorf("%s: markup besides the survey link:\n%s", name, out)
		}
		if addressOf.MatchString(out) {
			t.Errorf("%s: an address to open:\n%s", name, out)
		}
	}
}
