package cli

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
	"github.com/jiesu/jiesu/internal/survey"
)

const photoJPEG = "\xff\xd8\xff\xe0 a photo of a dry tap"

// A student's whole conversation, through the HTTP server and the store:
// follow, complain, get a receipt, add a photo, give a phone; the unit
// resolves over the API; the result and the survey reach WeChat (customer
// service inside the 48-hour window); the student rates.
func TestStudentConversationEndToEnd(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		const student = "oStudent0001"

		if got := r.say(r.fake.Event(student, "subscribe", "")); !strings.Contains(got, "欢迎") || !strings.Contains(got, "查询") {
			t.Errorf("welcome = %q", got)
		}
		receipt := r.say(r.fake.Text(student, "学生公寓3号楼302室停水了，请尽快处理"))
		number := caseNumberRe.FindString(receipt)
		if number == "" {
			t.Fatalf("receipt without a number: %q", receipt)
		}
		for _, want := range []string{"基本保障事项", "24小时内办理", "后勤管理处", "查询 " + number, "手机号", "匿名"} {
			if !strings.Contains(receipt, want) {
				t.Errorf("receipt lacks %q: %q", want, receipt)
			}
		}

		// A photo two minutes later goes to the same case.
		r.clock.Advance(2 * time.Minute)
		r.fake.AddMedia("MEDIA-PHOTO-1", "image/photoJPEG", []byte(photoJPEG))
		if got := r.say(r.fake.Image(student, "MEDIA-PHOTO-1")); !strings.Contains(got, "图片") || !strings.Contains(got, number) {
			t.Errorf("supplement reply = %q", got)
		}
		// The phone the receipt asked for.
		r.clock.Advance(time.Minute)
		if got := r.say(r.fake.Text(student, "13812345678")); !strings.Contains(got, "138****5678") {
			t.Errorf("phone reply = %q", got)
		}
		c := r.caseOf(number)
		want := c
		want.Content, want.Channel, want.LeadUnit, want.Exclusion = "学生公寓3号楼302室停水了，请尽快处理", cases.ChannelWeChatOA, "logistics", nil
		want.Complainant.Identity, want.Complainant.NoContact, want.Complainant.ContactMasked = student, false, "138****5678"
		if d := storetest.Diff(want, c); d != "" {
			t.Fatalf("case (-want +got):\n%s", d)
		}
		// The phone given by chat finds the case, for the hotline.
		if got := r.must("operator", "GET", "/api/v1/cases?q=138-1234-5678", nil)["cases"].([]any); len(got) != 1 ||
			got[0].(map[string]any)["number"] != number {
			t.Errorf("the hotline's lookup by the bound phone found %v", got)
		}
		kinds := r.eventKinds(number)
		for _, want := range []string{"register", "dispatch", "supplement", "attach", "bind_contact"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("timeline %v lacks %s", kinds, want)
			}
		}
		atts, err := st.Attachments(context.Background(), c.ID)
		if err != nil || len(atts) != 1 || atts[0].State != cases.AttachmentStored || atts[0].MediaID != "MEDIA-PHOTO-1" {
			t.Fatalf("attachments = %+v, %v", atts, err)
		}
		if b, err := os.ReadFile(filepath.Join(r.cfg.Server.DataDir, "attachments", filepath.FromSlash(atts[0].Path))); err != nil || string(b) != photoJPEG {
			t.Errorf("stored photo = %q, %v", b, err)
		}
		// The unit sees the phone only after it accepts, and calls.
		path := "/api/v1/cases/" + number
		r.must("logistics", "POST", path+"/accept", nil)
		if got := r.must("logistics", "POST", path+"/reveal", nil); got["contact"] != "13812345678" {
			t.Errorf("reveal = %v", got)
		}
		r.must("logistics", "POST", path+"/contact", map[string]any{"note": "已电话联系"})
		r.clock.Advance(3 * time.Hour)
		if got := r.must("logistics", "POST", path+"/resolve", map[string]any{"result": "已更换供水阀门，恢复供水。"}); got["state"] != "feedback_given" {
			t.Fatalf("resolved = %v", got)
		}

		// The result goes back inside the window, by customer-service message.
		r.deliver()
		sent := r.fake.Delivered(student)
		if len(sent) != 1 || sent[0].Path != fakes.WeChatPathCustom || !strings.Contains(sent[0].Text(), "已更换供水阀门") || !strings.Contains(sent[0].Text(), number) {
			t.Fatalf("delivered = %+v", sent)
		}
		if it := r.outboxOf(number)["case_result"]; it.State != cases.OutboxSent || it.Platform != "wechat" || it.PlatformMsgID != wechat.MethodCustomerService {
			t.Errorf("case_result outbox = %+v", it)
		}
		// A signed survey link rides along, and it opens the rating page.
		link := regexp.MustCompile(`href="([^"]+)"`).FindStringSubmatch(sent[0].Text())
		if link == nil || !strings.HasPrefix(link[1], studentBaseURL+survey.PagePath) {
			t.Fatalf("no survey link in %q", sent[0].Text())
		}
		status, page := r.do(studentRequest(t, "GET", r.url+strings.TrimPrefix(link[1], studentBaseURL), ""))
		if status != http.StatusOK || !strings.Contains(string(page), number) || !strings.Contains(string(page), "非常满意") {
			t.Errorf("survey page = %d %s", status, page)
		}

		// Nothing more until the survey's day has passed.
		r.clock.Advance(23 * time.Hour)
		r.deliver()
		if n := len(r.fake.Delivered(student)); n != 1 {
			t.Errorf("survey went early: %d messages", n)
		}
		r.clock.Advance(time.Hour)
		r.deliver()
		sent = r.fake.Delivered(student)
		if len(sent) != 2 || !strings.Contains(sent[1].Text(), "满意度回访") {
			t.Fatalf("survey = %+v", sent)
		}
		if it := r.outboxOf(number)["case_survey"]; it.State != cases.OutboxSent || it.PlatformMsgID != wechat.MethodCustomerService {
			t.Errorf("case_survey outbox = %+v", it)
		}

		// The student rates by replying a digit; a second digit finds
		// nothing left to rate.
		if got := r.say(r.fake.Text(student, "2")); !strings.Contains(got, "满意") || !strings.Contains(got, number) {
			t.Errorf("rating reply = %q", got)
		}
		if c := r.caseOf(number); c.State != cases.StateRated || c.Rating != cases.RatingSatisfied {
			t.Errorf("after rating: %s %s", c.State, c.Rating)
		}
		if got := r.say(r.fake.Text(student, "1")); !strings.Contains(got, "没有待评价") {
			t.Errorf("second rating = %q", got)
		}
		// 查询 lists it; 查询 JS… tells its story.
		if got := r.say(r.fake.Text(student, "查询")); !strings.Contains(got, number+" 已评价") {
			t.Errorf("list = %q", got)
		}
		detail := r.say(r.fake.Text(student, "查询 "+strings.ToLower(number)))
		for _, want := range []string{"已登记", "已转办 后勤管理处", "承办单位已接单", "已办结", "您补充了信息", "您的评价：满意"} {
			if !strings.Contains(detail, want) {
				t.Errorf("detail lacks %q: %q", want, detail)
			}
		}
		if strings.Contains(detail, "13812345678") {
			t.Errorf("detail shows the phone: %q", detail)
		}
		r.noPII("停水了", "13812345678", "138****5678")
	})
}

// Outside the window the result goes as the subscribe message and the
// survey as the template message; 匿名 leaves the case without contact and
// out of assessment; an unsatisfied rating reopens the case for its unit
// and tells the school office.
func TestOutsideTheWindowAndUnsatisfied(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		const student = "oStudent0002"
		number := r.complain(student, "图书馆二楼的校园网连不上")
		if got := r.say(r.fake.Text(student, "匿名")); !strings.Contains(got, "不留联系方式") {
			t.Errorf("anonymous reply = %q", got)
		}
		c := r.caseOf(number)
		if !c.Complainant.NoContact || c.Exclusion == nil || c.Exclusion.Reason != cases.ExcludeNoContact {
			t.Fatalf("anonymous case: no contact %v, exclusion %+v; want no contact, excluded as %s", c.Complainant.NoContact, c.Exclusion, cases.ExcludeNoContact)
		}
		// Three days of silence: the window is closed. The student had
		// subscribed once (the receipt's 订阅 dialog).
		r.clock.Advance(72 * time.Hour)
		r.fake.GrantSubscription(student, "SUB-TPL")
		path := "/api/v1/cases/" + number
		r.must("network", "POST", path+"/accept", nil)
		r.must("network", "POST", path+"/resolve", map[string]any{"result": "已更换二楼无线接入点。"})
		r.deliver()
		sent := r.fake.Delivered(student)
		if len(sent) != 1 || sent[0].Path != fakes.WeChatPathSubscribe || sent[0].Data("character_string1") != number {
			t.Fatalf("result outside the window = %+v", sent)
		}
		if n := len(r.fake.Calls(fakes.WeChatPathCustom)); n != 0 {
			t.Errorf("%d customer-service calls though the window was known closed", n)
		}
		if it := r.outboxOf(number)["case_result"]; it.PlatformMsgID != wechat.MethodSubscribe {
			t.Errorf("case_result outbox = %+v", it)
		}
		r.clock.Advance(24 * time.Hour)
		r.deliver()
		sent = r.fake.Delivered(student)
		if len(sent) != 2 || sent[1].Path != fakes.WeChatPathTemplate {
			t.Fatalf("survey = %+v", sent)
		}
		if it := r.outboxOf(number)["case_survey"]; !strings.HasPrefix(it.PlatformMsgID, wechat.MethodTemplate+":") {
			t.Errorf("case_survey outbox = %+v", it)
		}
		got := r.say(r.fake.Text(student, "4"))
		if !strings.Contains(got, "不满意") || !strings.Contains(got, "重新办理") {
			t.Errorf("unsatisfied reply = %q", got)
		}
		c = r.caseOf(number)
		want := c
		want.State, want.Reopens, want.Rating = cases.StateReopened, 1, cases.RatingUnsatisfied
		if d := storetest.Diff(want, c); d != "" {
			t.Fatalf("after unsatisfied (-want +got):\n%s", d)
		}
		ob := r.outboxOf(number)
		if ob["case_reopened"].To != (cases.Recipient{Kind: cases.ToUnit, ID: "network"}) || ob["case_reopened_office"].To.ID != string(cases.RoleSchoolOffice) {
			t.Errorf("reopen notices = %+v", ob)
		}
		// A new case of this student is without contact from the start.
		second := r.complain(student, "第二食堂的饭菜里有异物")
		if got := r.caseOf(second); got.Exclusion == nil || !got.Complainant.NoContact {
			t.Errorf("anonymous student's next case: no contact %v, exclusion %+v; want both", got.Complainant.NoContact, got.Exclusion)
		}
		r.noPII("校园网连不上", "异物")
	})
}

// A case nobody rated goes on the hotline's follow-up list 48 hours after
// feedback and is closed unrated after survey.close_unrated_after; a
// rating through the survey page counts like a digit.
func TestFollowUpsAndTheSurveyPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		var numbers []string
		for i, who := range []string{"oA", "oB"} {
			n := r.complain(who, []string{"3号楼热水不热", "5号楼停电"}[i])
			r.say(r.fake.Text(who, "1390000000"+string(rune('1'+i))))
			path := "/api/v1/cases/" + n
			r.must("logistics", "POST", path+"/accept", nil)
			r.must("logistics", "POST", path+"/contact", nil)
			r.must("logistics", "POST", path+"/resolve", map[string]any{"result": "已修复"})
			numbers = append(numbers, n)
		}
		// oB rates through the link.
		link := survey.NewLinks(studentKeys(t), studentBaseURL).Link(numbers[1])
		form := url.Values{"rating": {"5"}}.Encode()
		req := studentRequest(t, "POST", r.url+strings.TrimPrefix(link, studentBaseURL), form)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, page := r.do(req)
		if status != http.StatusOK || !strings.Contains(string(page), "非常不满意") || !strings.Contains(string(page), "重新办理") {
			t.Errorf("page rating = %d %s", status, page)
		}
		if c := r.caseOf(numbers[1]); c.State != cases.StateReopened {
			t.Errorf("rated through the page: %s", c.State)
		}
		req = studentRequest(t, "POST", r.url+strings.TrimPrefix(link, studentBaseURL), form)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, _ = r.do(req)
		if status != http.StatusConflict {
			t.Errorf("second rating through the page: %d", status)
		}
		if status, _ := r.do(studentRequest(t, "GET", r.url+survey.PagePath+"v1.t1.forged", "")); status != http.StatusNotFound {
			t.Errorf("forged link: %d", status)
		}
		// oA stays silent: listed after 48 hours, not before.
		list := func(who string) (int, []string) {
			status, body := r.api(who, "GET", "/api/v1/follow-ups", nil)
			var got []string
			items, _ := body["cases"].([]any)
			for _, it := range items {
				got = append(got, it.(map[string]any)["number"].(string))
			}
			return status, got
		}
		r.clock.Advance(47 * time.Hour)
		if _, got := list("operator"); len(got) != 0 {
			t.Errorf("listed before 48 h: %v", got)
		}
		r.clock.Advance(time.Hour)
		if status, got := list("operator"); status != http.StatusOK || !slices.Equal(got, numbers[:1]) {
			t.Errorf("follow-ups = %d %v", status, got)
		}
		if status, _ := list("logistics"); status != http.StatusForbidden {
			t.Errorf("a unit reads the follow-up list: %d", status)
		}
		// The scheduler serve runs, survey follow-ups among its jobs.
		if err := r.app.scheduler.RunOnce(context.Background(), r.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if c := r.caseOf(numbers[0]); c.State != cases.StateFeedbackGiven {
			t.Errorf("closed too early: %s", c.State)
		}
		r.clock.Advance(r.cfg.Survey.CloseUnratedAfter)
		for i := 0; i < 2; i++ { // twice: the second sweep finds nothing to do
			if err := r.app.scheduler.RunOnce(context.Background(), r.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if c := r.caseOf(numbers[0]); c.State != cases.StateClosed || c.Rating != "" {
			t.Errorf("unrated case after the sweep: %s %q", c.State, c.Rating)
		}
		if _, got := list("operator"); len(got) != 0 {
			t.Errorf("closed case still listed: %v", got)
		}
	})
}

func studentRequest(t testing.TB, method, target, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// The phone question lapses on the student's next message; that message
// still finds their open case (a 补充 goes to it, not to a new case).
func TestSupplementAfterThePhoneQuestionLapsed(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
		r := newStudentRig(t, st, studentRigOpts{})
		const student = "oStudentLapse"
		number := r.complain(student, "学生公寓5号楼101室停电了")
		r.clock.Advance(30 * time.Minute) // past the question's window, unanswered
		got := r.say(r.fake.Text(student, "补充 整层都停电了"))
		if !strings.Contains(got, number) || caseNumberRe.FindString(got) != number {
			t.Errorf("补充 after the question lapsed = %q, want it added to %s", got, number)
		}
		if kinds := r.eventKinds(number); !slices.Contains(kinds, "supplement") {
			t.Errorf("timeline %v lacks the supplement", kinds)
		}
	})
}
