package fakes

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jiesu/jiesu/bot/wecom"
)

// answer is a WeCom response: errcode, errmsg and the API's fields.
type answer map[string]any

func fail(code int, msg string) answer { return answer{"errcode": code, "errmsg": msg} }

func ok(fields answer) answer {
	out := answer{"errcode": 0, "errmsg": "ok"}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

func (f *FakeWeCom) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/gettoken", f.api("gettoken", false, f.getToken))
	mux.HandleFunc("POST /cgi-bin/message/send", f.api("message/send", true, f.messageSend))
	mux.HandleFunc("POST /cgi-bin/message/update_template_card", f.api("message/update_template_card", true, f.updateCard))
	mux.HandleFunc("POST /cgi-bin/webhook/send", f.api("webhook/send", false, f.webhookSend))
	mux.HandleFunc("GET /cgi-bin/user/get", f.api("user/get", true, f.userGet))
	mux.HandleFunc("GET /cgi-bin/department/list", f.api("department/list", true, f.departmentList))
	mux.HandleFunc("GET /cgi-bin/auth/getuserinfo", f.api("auth/getuserinfo", true, f.getUserInfo))
	mux.HandleFunc("GET /connect/oauth2/authorize", f.authorize)
	return mux
}

// api wraps one endpoint: it records the call, checks the token when the
// API needs one, and answers a scripted errcode when one is queued.
func (f *FakeWeCom) api(name string, needToken bool, h func(q url.Values, body []byte) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		q := r.URL.Query()
		f.mu.Lock()
		var a answer
		if needToken {
			a = f.checkToken(q.Get("access_token"))
		}
		if a == nil && len(f.script[name]) > 0 {
			code := f.script[name][0]
			f.script[name] = f.script[name][1:]
			a = fail(code, "scripted by the test")
		}
		f.mu.Unlock()
		if a == nil {
			a = h(q, body)
		}
		shown := url.Values{}
		for k, v := range q {
			if k != "access_token" && k != "corpsecret" {
				shown[k] = v
			}
		}
		code, _ := a["errcode"].(int)
		f.mu.Lock()
		f.calls = append(f.calls, FakeCall{At: f.clock.Now(), API: name, Query: shown.Encode(), Body: json.RawMessage(body), ErrCode: code})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(a)
	}
}

// checkToken answers 41001, 40014 or 42001 for a token that does not
// pass; nil for a good one. The caller holds mu.
func (f *FakeWeCom) checkToken(tok string) answer {
	if tok == "" {
		return fail(41001, "access_token missing")
	}
	exp, ok := f.tokens[tok]
	switch {
	case !ok:
		return fail(40014, "invalid access_token")
	case !f.clock.Now().Before(exp):
		return fail(42001, "access_token expired")
	}
	return nil
}

func (f *FakeWeCom) getToken(q url.Values, _ []byte) answer {
	if q.Get("corpid") != FakeWeComCorpID {
		return fail(40013, "invalid corpid")
	}
	if q.Get("corpsecret") != FakeWeComSecret {
		return fail(40001, "invalid credential")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := f.next("fake-token-")
	f.tokens[tok] = f.clock.Now().Add(FakeTokenTTL)
	return ok(answer{"access_token": tok, "expires_in": int(FakeTokenTTL.Seconds())})
}

func (f *FakeWeCom) webhookSend(q url.Values, body []byte) answer {
	key := q.Get("key")
	var m wecom.RobotMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return fail(FakeCodeBadParam, "invalid json: "+err.Error())
	}
	content := ""
	switch {
	case m.MsgType == wecom.MsgMarkdown && m.Markdown != nil:
		content = m.Markdown.Content
		if len(content) > wecom.MaxRobotMarkdown {
			return fail(FakeCodeBadParam, "markdown.content exceeds 4096 bytes")
		}
	case m.MsgType == wecom.MsgText && m.Text != nil:
		content = m.Text.Content
		if len(content) > wecom.MaxRobotText {
			return fail(FakeCodeBadParam, "text.content exceeds 2048 bytes")
		}
	default:
		return fail(FakeCodeBadParam, "unsupported msgtype "+m.MsgType)
	}
	if strings.TrimSpace(content) == "" {
		return fail(FakeCodeBadParam, "empty content")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	times, exists := f.robots[key]
	if !exists {
		return fail(FakeCodeBadWebhook, "invalid webhook url")
	}
	now := f.clock.Now()
	if countSince(times, now.Add(-time.Minute)) >= FakeRobotPerMinute {
		return fail(45009, "api freq out of limit")
	}
	f.robots[key] = append(times, now)
	f.posts[key] = append(f.posts[key], FakeRobotPost{At: now, MsgType: m.MsgType, Content: content})
	return ok(nil)
}

// countSince counts the times after since: the sends still inside a
// window that ends now.
func countSince(times []time.Time, since time.Time) int {
	n := 0
	for _, t := range times {
		if t.After(since) {
			n++
		}
	}
	return n
}

func (f *FakeWeCom) messageSend(_ url.Values, body []byte) answer {
	var m wecom.AppMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return fail(FakeCodeBadParam, "invalid json: "+err.Error())
	}
	if m.AgentID != FakeWeComAgentID {
		return fail(40056, "invalid agentid")
	}
	content := ""
	switch m.MsgType {
	case wecom.MsgText:
		if m.Text == nil || strings.TrimSpace(m.Text.Content) == "" || len(m.Text.Content) > wecom.MaxAppTextBytes {
			return fail(FakeCodeBadParam, "text.content empty or over 2048 bytes")
		}
		content = m.Text.Content
	case wecom.MsgMarkdown:
		if m.Markdown == nil || strings.TrimSpace(m.Markdown.Content) == "" || len(m.Markdown.Content) > wecom.MaxAppMarkdownBytes {
			return fail(FakeCodeBadParam, "markdown.content empty or over 2048 bytes")
		}
		content = m.Markdown.Content
	case wecom.MsgTemplateCard:
		if m.TemplateCard == nil {
			return fail(FakeCodeBadParam, "template_card missing")
		}
		if code, msg := validateCard(*m.TemplateCard); code != 0 {
			return fail(code, msg)
		}
	default:
		return fail(FakeCodeBadParam, "unsupported msgtype "+m.MsgType)
	}
	arrived := false
	defer func() {
		if arrived && f.OnCard != nil {
			f.OnCard(*m.TemplateCard, time.Now())
		}
	}()
	f.mu.Lock()
	defer f.mu.Unlock()
	to, invalidUser := f.recipients(m)
	if len(to) == 0 {
		return fail(81013, "user & party & tag all invalid")
	}
	now := f.clock.Now()
	fields := answer{"msgid": f.next("msg-"), "invaliduser": strings.Join(invalidUser, "|")}
	task := ""
	if m.MsgType == wecom.MsgTemplateCard {
		task = m.TemplateCard.TaskID
		if _, used := f.cards[task]; used {
			return fail(42014, "taskid has existed or empty or exceed max len")
		}
		f.cards[task] = &FakeCard{TaskID: task, SentAt: now, Card: *m.TemplateCard, Recipients: to, Replaced: map[string]string{}}
		fields["response_code"] = f.issueCode(task)
		arrived = true
	}
	for _, u := range to {
		recent := 0
		for _, d := range f.received[u] {
			if !d.Dropped && d.At.After(now.Add(-time.Minute)) {
				recent++
			}
		}
		f.received[u] = append(f.received[u], FakeAppDelivery{At: now, MsgType: m.MsgType, TaskID: task, Content: content,
			Dropped: recent >= FakeMemberPerMinute})
	}
	return ok(fields)
}

// recipients expands touser, toparty and totag into members, as WeCom
// delivers: a department reaches everyone in it and below it. The caller
// holds mu.
func (f *FakeWeCom) recipients(m wecom.AppMessage) (to, invalid []string) {
	add := func(u string) {
		if !slices.Contains(to, u) {
			to = append(to, u)
		}
	}
	for _, u := range split(m.ToUser) {
		if _, ok := f.users[u]; ok {
			add(u)
		} else {
			invalid = append(invalid, u)
		}
	}
	for _, p := range split(m.ToParty) {
		id, _ := strconv.ParseInt(p, 10, 64)
		for _, u := range f.sortedUsers() {
			for _, d := range f.users[u].Departments {
				if f.below(d, id) {
					add(u)
				}
			}
		}
	}
	for _, tg := range split(m.ToTag) {
		id, _ := strconv.ParseInt(tg, 10, 64)
		for _, u := range f.tags[id] {
			add(u)
		}
	}
	return to, invalid
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

func (f *FakeWeCom) sortedUsers() []string {
	var out []string
	for u := range f.users {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// below reports whether department d is top or below it.
func (f *FakeWeCom) below(d, top int64) bool {
	for i := 0; i < 32; i++ {
		if d == top {
			return true
		}
		p, ok := f.departments[d]
		if !ok || p == 0 {
			return false
		}
		d = p
	}
	return false
}

// issueCode makes a response_code for a card. The caller holds mu.
func (f *FakeWeCom) issueCode(task string) string {
	code := f.next("rc-")
	f.codes[code] = &fakeCode{task: task, issued: f.clock.Now()}
	return code
}

func (f *FakeWeCom) updateCard(_ url.Values, body []byte) answer {
	var u wecom.UpdateCard
	if err := json.Unmarshal(body, &u); err != nil {
		return fail(FakeCodeBadParam, "invalid json: "+err.Error())
	}
	if u.AgentID != FakeWeComAgentID {
		return fail(40056, "invalid agentid")
	}
	if u.Button == nil || u.Button.ReplaceName == "" {
		return fail(FakeCodeBadParam, "button.replace_name required")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, known := f.codes[u.ResponseCode]
	if !known || c.used || !f.clock.Now().Before(c.issued.Add(FakeCodeTTL)) {
		return fail(FakeCodeBadResponseCode, "invalid response_code: unknown, used or expired")
	}
	c.used = true
	card := f.cards[c.task]
	targets := u.UserIDs
	if u.AtAll == 1 {
		targets = card.Recipients
	}
	var invalid []string
	for _, t := range targets {
		if slices.Contains(card.Recipients, t) {
			card.Replaced[t] = u.Button.ReplaceName
		} else {
			invalid = append(invalid, t)
		}
	}
	return ok(answer{"invaliduser": invalid})
}

func (f *FakeWeCom) userGet(q url.Values, _ []byte) answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, exists := f.users[q.Get("userid")]
	if !exists {
		return fail(FakeCodeNoUser, "invalid userid")
	}
	main := int64(0)
	if len(u.Departments) > 0 {
		main = u.Departments[0]
	}
	return ok(answer{"userid": u.ID, "name": u.Name, "department": u.Departments, "main_department": main, "status": 1})
}

func (f *FakeWeCom) departmentList(q url.Values, _ []byte) answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	top, _ := strconv.ParseInt(q.Get("id"), 10, 64)
	if _, exists := f.departments[top]; !exists {
		return fail(60123, "invalid party id")
	}
	var list []answer
	var ids []int64
	for id := range f.departments {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if f.below(id, top) {
			list = append(list, answer{"id": id, "parentid": f.departments[id], "name": fmt.Sprintf("dept-%d", id)})
		}
	}
	return ok(answer{"department": list})
}

func (f *FakeWeCom) getUserInfo(q url.Values, _ []byte) answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	user, exists := f.oauthCodes[q.Get("code")]
	if !exists {
		return fail(FakeCodeBadOAuthCode, "invalid code")
	}
	delete(f.oauthCodes, q.Get("code"))
	return ok(answer{"userid": user})
}

// SetBrowser makes user the member whose WeCom opens pages: the fake's
// authorize page signs them in.
func (f *FakeWeCom) SetBrowser(user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.browser = user
}

// authorize is WeCom's OAuth page inside the client: it sends the member
// back to redirect_uri with a fresh code.
func (f *FakeWeCom) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("appid") != FakeWeComCorpID || q.Get("response_type") != "code" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	code := f.next("oauth-")
	f.oauthCodes[code] = f.browser
	f.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}
