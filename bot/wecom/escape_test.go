package wecom

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/hostile"
)

const ownLink = "https://jiesu.example.edu.cn/cases/JS20261128-0001"

// hostileMessage is a dispatch whose place, content and a member's name
// are the hostile text, as the renderer hands it over.
func hostileMessage(s string) bot.Message {
	// The renderer folds data into one line; a title has no other.
	title := "新诉求 JS20261128-0001 " + strings.Join(strings.Fields(s), " ")
	return bot.Message{
		Kind: bot.MessageCard, Title: title,
		Text:   "地点：" + s + "\n诉求：" + s + "\n请尽快接单，首接负责。\n" + s + " " + ownLink,
		Fields: []bot.Field{{Label: "地点", Value: s}, {Label: "诉求", Value: s}},
		Link:   ownLink, Links: []string{ownLink}, CaseNumber: "JS20261128-0001",
		Actions: []bot.Button{{Key: "accept", Label: "接单" + s}, {Key: "view", Label: "查看详情", URL: ownLink}},
	}
}

// addressOf finds the hostile host written as an address a client would open.
var addressOf = regexp.MustCompile(`(://|www\.)` + regexp.QuoteMeta(hostile.EvilHost))

func TestMarkdownLeavesComplainantTextInert(t *testing.T) {
	t.Parallel()
	for name, s := range hostile.Texts {
		for _, limit := range []int{MaxRobotMarkdown, MaxAppMarkdownBytes} {
			out := markdown(hostileMessage(s), limit)
			if len(out) > limit {
				t.Errorf("%s: %d bytes, over %d", name, len(out), limit)
			}
			// The only markup is the layout's: the bold title and our link.
			lines := strings.Split(out, "\n")
			if !strings.HasPrefix(lines[0], "**") || !strings.HasSuffix(lines[0], "**") {
				t.Errorf("%s: title line %q", name, lines[0])
			}
			body := strings.Trim(lines[0], "*") + "\n" + strings.Join(lines[1:], "\n")
			body = strings.ReplaceAll(body, "[查看详情]("+ownLink+")", "")
			for _, live := range []string{"[", "](", "<", "@", "`", "*", "#", "_", "~", "|", "&"} {
				if strings.Contains(body, live) {
					t.Errorf("%s (limit %d): %q is live in\n%s", name, limit, live, out)
				}
			}
			if addressOf.MatchString(out) {
				t.Errorf("%s: an address to open in\n%s", name, out)
			}
		}
	}
	out := markdown(hostileMessage(hostile.Texts["numbers"]), MaxRobotMarkdown)
	for _, n := range []string{"138-1234-5678", "138 1234 5678", "010-6278 1234"} {
		if !strings.Contains(out, n) {
			t.Errorf("%s lost its form: %s", n, out)
		}
	}
	if !strings.Contains(out, "1234 "+ownLink) || !strings.Contains(out, "[查看详情]("+ownLink+")") {
		t.Errorf("our own links are gone: %s", out)
	}
}

func TestCardAndTextLeaveUnitTextInert(t *testing.T) {
	t.Parallel()
	for name, s := range hostile.Texts {
		m := hostileMessage(s)
		c := card(m, "task")
		texts := []string{c.MainTitle.Title, c.SubTitleText}
		for _, r := range c.HorizontalContentList {
			texts = append(texts, r.KeyName, r.Value)
		}
		for _, b := range c.ButtonList {
			texts = append(texts, b.Text)
		}
		d := digestCard(bot.Message{Title: s, Text: s, Digest: []bot.Message{m}}, "task")
		texts = append(texts, d.MainTitle.Title, d.SubTitleText, d.ButtonSelection.OptionList[0].Text, d.HorizontalContentList[0].Value)
		for _, x := range texts {
			if strings.ContainsAny(x, "<>") || addressOf.MatchString(x) {
				t.Errorf("%s: card text %q is live", name, x)
			}
		}
		if c.CardAction == nil || c.CardAction.URL != ownLink {
			t.Errorf("%s: the card lost its own link: %+v", name, c.CardAction)
		}
		text := plain(m, MaxAppTextBytes)
		if strings.ContainsAny(text, "<>") || addressOf.MatchString(text) || !strings.Contains(text, ownLink) {
			t.Errorf("%s: app text is live or lost our link:\n%s", name, text)
		}
	}
}
