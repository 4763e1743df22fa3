package studentchat

import (
	"testing"
	"unicode/utf8"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want command
	}{
		{"", command{kind: cmdUnusable}},
		{"   \n", command{kind: cmdUnusable}},
		{"【收到不支持的消息类型，暂无法显示】", command{kind: cmdUnusable}},
		{"/::)/::P", command{kind: cmdUnusable}},
		{"[微笑][Smile]", command{kind: cmdUnusable}},
		{"？？？", command{kind: cmdUnusable}},
		{"帮助", command{kind: cmdHelp}},
		{"？", command{kind: cmdUnusable}},
		{"查询", command{kind: cmdList}},
		{"查询 JS20261128-0042", command{kind: cmdDetail, number: "JS20261128-0042"}},
		{"查询js20261128 - 0042", command{kind: cmdDetail, number: "JS20261128-0042"}},
		{"查询ＪＳ２０２６１１２８－００４２", command{kind: cmdDetail, number: "JS20261128-0042"}},
		{"查询一下三号楼热水的事", command{kind: cmdContent, text: "查询一下三号楼热水的事"}},
		{"撤回 JS20261128-0042", command{kind: cmdWithdraw, number: "JS20261128-0042"}},
		{"撤回", command{kind: cmdWithdraw}},
		{"撤回申请怎么办理", command{kind: cmdContent, text: "撤回申请怎么办理"}},
		{"3", command{kind: cmdRate, digit: 3}},
		{"５", command{kind: cmdRate, digit: 5}},
		{"6", command{kind: cmdContent, text: "6"}},
		{"匿名", command{kind: cmdAnonymous}},
		{"13812345678", command{kind: cmdPhone, phone: "13812345678"}},
		{"+86 138-1234-5678", command{kind: cmdPhone, phone: "+86 138-1234-5678"}},
		{"补充", command{kind: cmdSupplement}},
		{"补充：三楼也停水了，", command{kind: cmdSupplement, text: "三楼也停水了，", whole: "补充：三楼也停水了，"}},
		{" 补充说明：图书馆空调坏了 ", command{kind: cmdSupplement, text: "说明：图书馆空调坏了", whole: "补充说明：图书馆空调坏了"}},
		{"  学生公寓3号楼302停水！  ", command{kind: cmdContent, text: "学生公寓3号楼302停水！"}},
		{"宿舍/::)没有热水", command{kind: cmdContent, text: "宿舍/::)没有热水"}},
	}
	for _, c := range cases {
		if got := parse(c.in, isMobile); got != c.want {
			t.Errorf("parse(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestSummaryMasksPhones(t *testing.T) {
	t.Parallel()
	var r Replies
	if got := r.summary(40, "电话138-1234-5678，宿舍 302\n停水"); got != "电话138****5678，宿舍 302 停水" {
		t.Errorf("summary = %q", got)
	}
	if got := r.summary(3, "一二三四"); got != "一二三…" {
		t.Errorf("cut = %q", got)
	}
}

// FuzzParse: whatever a student sends, parsing neither panics nor loses
// their words: content is what they wrote, trimmed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"查询 JS20261128-0042", "补充：x", "13812345678", "3", "【收到不支持的消息类型，暂无法显示】", "/::)", "abcdteT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := parse(s, isMobile)
		if c.kind == cmdContent && (c.text == "" || !utf8.ValidString(s) && c.text == "") {
			t.Errorf("empty content from %q", s)
		}
		if c.kind == cmdRate && (c.digit < 1 || c.digit > 5) {
			t.Errorf("digit %d from %q", c.digit, s)
		}
		if (c.kind == cmdDetail) && c.number == "" {
			t.Errorf("detail without number from %q", s)
		}
	})
}

// What a student's phone sends that the text rule refuses is dropped, the
// rest kept as written; nothing the database would refuse gets through.
func TestCleanKeepsWhatCanBeKept(t *testing.T) {
	t.Parallel()
	in := bot.Inbound{
		From:     bot.Person{ID: "oStu\x00dent"},
		MsgID:    "42\x01",
		Text:     "宿舍\x00停电\x1b了\r\n<a href=x>@所有人</a>\t138-0013 8000 \xff\xfe完",
		Location: &bot.Location{Label: "3号楼\x07"},
	}
	got := clean(in)
	if got.Text != "宿舍停电了\n<a href=x>@所有人</a>\t138-0013 8000 \uFFFD完" {
		t.Errorf("text cleaned to %q", got.Text)
	}
	if got.From.ID != "oStudent" || got.MsgID != "42" || got.Location.Label != "3号楼" || in.Location.Label != "3号楼\x07" {
		t.Errorf("cleaned %+v %+v", got, got.Location)
	}
	for _, s := range []string{got.Text, got.From.ID, got.MsgID, got.Location.Label} {
		if ve := cases.CheckText("text", s, cases.MaxContentLength); ve != nil {
			t.Errorf("%q still breaks the rule: %v", s, ve)
		}
	}
}
