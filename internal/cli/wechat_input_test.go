package cli

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// A complaint is kept as the student wrote it: a first message that
// starts with 补充 keeps the word, and a letter of thousands of
// characters is a case; past the limit the student is told plainly.
func TestStudentTextIsKeptAsWritten(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		first := "补充一下昨天说的：学生公寓3号楼302 <b>热水</b> 一直不热 @所有人 http://x.example/?a=1&b=2 电话 138-0013 8000"
		number := r.complain("oStudentPrefix", first)
		if got := r.caseOf(number).Content; got != first {
			t.Errorf("a first message starting with 补充 stored as %q", got)
		}
		letter := "尊敬的学校领导：\n" + strings.Repeat("我们宿舍楼的热水供应时间太短，晚上十点以后就没有热水，影响同学们洗漱和休息。", 190)
		letter = string([]rune(letter)[:7021])
		number = r.complain("oStudentLetter", letter)
		if got := r.caseOf(number).Content; got != letter || utf8.RuneCountInString(got) != 7021 {
			t.Errorf("a 7,021-character letter stored as %d characters", utf8.RuneCountInString(got))
		}
		at := r.complain("oStudentLimit", strings.Repeat("长", 10000))
		if n := utf8.RuneCountInString(r.caseOf(at).Content); n != 10000 {
			t.Errorf("a 10,000-character letter stored as %d", n)
		}
		const long = "oStudentTooLong"
		for _, text := range []string{strings.Repeat("长", 10001), strings.Repeat("停电😀", 14000)} {
			got := r.say(r.fake.Text(long, text))
			n := utf8.RuneCountInString(text)
			if caseNumberRe.MatchString(got) || strings.Contains(got, "暂不支持") || !strings.Contains(got, "太长") && !strings.Contains(got, "超过") ||
				!strings.Contains(got, "10000") || !strings.Contains(got, "分成几条") || !strings.Contains(got, strconv.Itoa(n)) {
				t.Errorf("%d characters: reply %q", n, got)
			}
		}
		list, err := st.ListCases(context.Background(), cases.Filter{Identity: long})
		if err != nil || len(list) != 0 {
			t.Errorf("too long letters made %d cases (%v)", len(list), err)
		}
		// The same long letter as a supplement is told so too, and the case
		// keeps what it had.
		before := len(r.eventKinds(number))
		got := r.say(r.fake.Text("oStudentLetter", "补充 "+strings.Repeat("长", 10001)))
		if !strings.Contains(got, "10000") || len(r.eventKinds(number)) != before {
			t.Errorf("a too long supplement: %q, %d events, %d before", got, len(r.eventKinds(number)), before)
		}
	})
}

// With the database gone, WeChat's callback answers 503 with Retry-After,
// so that WeChat retries, and writes nothing.
func TestStudentCallbackWithTheDatabaseDown(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r.fake.Request(r.url+r.cfg.WeChat.Path, fakes.WeChatSafe, r.fake.Text("oStudentDown", "宿舍停电了")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
}
