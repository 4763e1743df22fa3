package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// evilAddress is http://evil.example written so a client would open it.
var evilAddress = regexp.MustCompile(`(://|www\.)evil\.example`)

// A complainant's markdown reaches the unit's group as the characters
// typed: no link, heading, font, mention, quote or code, while the case's
// own link stays one.
func TestComplaintMarkdownIsInertInTheGroup(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		c := h.complaint("[文字](http://evil.example) 宿舍停水\n# 紧急\n<font color=\"warning\">红字</font> <@zhangsan> @all\n> 引用\n```代码```")
		h.drain()
		posts := h.fake.RobotPosts(robotLogistics)
		if len(posts) == 0 {
			t.Fatal("nothing posted to the group")
		}
		md := posts[0].Content
		for _, live := range []string{"](http://evil", "<font", "<@", "@all", "```", "\n#", "\n>"} {
			if strings.Contains(md, live) {
				t.Errorf("%q is live in the group's markdown:\n%s", live, md)
			}
		}
		if evilAddress.MatchString(md) || !strings.Contains(md, "文字") || !strings.Contains(md, c.Number) {
			t.Errorf("group markdown:\n%s", md)
		}
		for _, card := range h.fake.Cards(userMa) {
			if strings.ContainsAny(card.Card.SubTitleText, "<>") || evilAddress.MatchString(card.Card.SubTitleText) {
				t.Errorf("card text: %q", card.Card.SubTitleText)
			}
		}
	})
}

// A unit's result reaches the student's WeChat with its <a href> as text;
// the survey is the only link.
func TestResultAnchorIsInertForTheStudent(t *testing.T) {
	t.Parallel()
	r := newStudentRig(t, storetest.NewSQLite(t), studentRigOpts{})
	r.resolved("oA", `已修复，<a href="http://evil.example">点此领取补贴</a> 或访问 www.evil.example`)
	r.deliver()
	sent := r.fake.Delivered("oA")
	if len(sent) == 0 {
		t.Fatal("no result delivered")
	}
	text := sent[len(sent)-1].Text()
	if strings.Count(text, "<a ") != 1 || evilAddress.MatchString(text) || !strings.Contains(text, "点此领取补贴") {
		t.Errorf("the student got:\n%s", text)
	}
}

// resolved is a complaint of student's that the logistics unit accepted,
// contacted and resolved with result; it returns the case number.
func (r *studentRig) resolved(student, result string) string {
	r.t.Helper()
	n := r.complain(student, "3号楼热水不热")
	r.say(r.fake.Text(student, "13900000001"))
	path := "/api/v1/cases/" + n
	r.must("logistics", "POST", path+"/accept", nil)
	r.must("logistics", "POST", path+"/contact", nil)
	r.must("logistics", "POST", path+"/resolve", map[string]any{"result": result})
	return n
}
