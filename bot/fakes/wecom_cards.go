package fakes

import (
	"regexp"
	"strings"

	"github.com/jiesu/jiesu/bot/wecom"
)

// taskIDPattern is doc 90236's rule for task_id.
var taskIDPattern = regexp.MustCompile(`^[0-9a-zA-Z_\-@]{1,128}$`)

// validateCard checks a template card against the documented rules the
// fake enforces; 0 when it passes.
func validateCard(c wecom.TemplateCard) (int, string) {
	switch c.CardType {
	case wecom.CardButtonInteraction:
		if !taskIDPattern.MatchString(c.TaskID) {
			return 42014, "taskid has existed or empty or exceed max len"
		}
		if len(c.ButtonList) == 0 || len(c.ButtonList) > wecom.MaxButtons {
			return FakeCodeBadParam, "button_list needs 1 to 6 buttons"
		}
	case wecom.CardTextNotice:
		if c.CardAction == nil {
			return FakeCodeBadParam, "card_action is required for text_notice"
		}
	default:
		return FakeCodeBadParam, "unsupported card_type " + c.CardType
	}
	if strings.TrimSpace(c.MainTitle.Title) == "" && strings.TrimSpace(c.SubTitleText) == "" {
		return FakeCodeBadParam, "main_title.title or sub_title_text is required"
	}
	keys := map[string]bool{}
	for _, b := range c.ButtonList {
		if b.Key == "" || len(b.Key) > 1024 || strings.TrimSpace(b.Text) == "" {
			return FakeCodeBadParam, "a button needs text and a key of at most 1024 bytes"
		}
		if keys[b.Key] {
			return FakeCodeDuplicateKey, "duplicate button key " + b.Key
		}
		keys[b.Key] = true
	}
	if len(c.HorizontalContentList) > wecom.MaxHorizontal {
		return FakeCodeBadParam, "horizontal_content_list holds at most 6 rows"
	}
	for _, h := range c.HorizontalContentList {
		if strings.TrimSpace(h.KeyName) == "" || (h.Type == 1 && !strings.HasPrefix(h.URL, "http")) {
			return FakeCodeBadParam, "a row needs a keyname, and a link row an http(s) url"
		}
	}
	if s := c.ButtonSelection; s != nil {
		if s.QuestionKey == "" || len(s.OptionList) == 0 || len(s.OptionList) > wecom.MaxOptions {
			return FakeCodeBadParam, "button_selection needs a question_key and 1 to 10 options"
		}
		ids := map[string]bool{}
		for _, o := range s.OptionList {
			if o.ID == "" || ids[o.ID] || strings.TrimSpace(o.Text) == "" {
				return FakeCodeBadParam, "options need unique ids and text"
			}
			ids[o.ID] = true
		}
	}
	if a := c.CardAction; a != nil && a.Type == 1 && !strings.HasPrefix(a.URL, "http") {
		return FakeCodeBadParam, "card_action.url must be http(s)"
	}
	return 0, ""
}
