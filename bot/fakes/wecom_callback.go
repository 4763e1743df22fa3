package fakes

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/bot/wecom"
)

// ErrFakePress is a press the WeCom client would not allow: the member has
// no copy of the card, or their copy's buttons were replaced.
var ErrFakePress = errors.New("fake wecom: this press is not possible")

// FakeReply is the service's answer to a callback.
type FakeReply struct {
	Status int
	// MsgType is the passive reply's type (update_button, text), "" for
	// an empty answer.
	MsgType string
	// Text is the reply's text or the button's new name.
	Text string
}

// FakeForgery alters a callback the way an attacker or a replay would.
type FakeForgery struct {
	Signature string // sign with this instead
	Timestamp int64  // claim this time (Unix seconds) instead of now
	CorpID    string // encrypt for this corp instead
	Tamper    bool   // flip a byte of the ciphertext, then sign it again
}

// Press presses the button key of member user's copy of card taskID. For
// a card with a selection, selected is the option picked ("" for none).
// Each press brings a fresh response_code, as WeCom's do.
func (f *FakeWeCom) Press(user, taskID, key, selected string) (FakeReply, error) {
	f.mu.Lock()
	c, exists := f.cards[taskID]
	if !exists || !slices.Contains(c.Recipients, user) || c.Replaced[user] != "" {
		f.mu.Unlock()
		return FakeReply{}, fmt.Errorf("%w: %s on %s", ErrFakePress, user, taskID)
	}
	if !slices.ContainsFunc(c.Card.ButtonList, func(b wecom.CardButton) bool { return b.Key == key }) {
		f.mu.Unlock()
		return FakeReply{}, fmt.Errorf("%w: card %s has no button %q", ErrFakePress, taskID, key)
	}
	items := ""
	if s := c.Card.ButtonSelection; s != nil && selected != "" {
		if !slices.ContainsFunc(s.OptionList, func(o wecom.SelectOption) bool { return o.ID == selected }) {
			f.mu.Unlock()
			return FakeReply{}, fmt.Errorf("%w: card %s has no option %q", ErrFakePress, taskID, selected)
		}
		items = "<SelectedItems><SelectedItem><QuestionKey><![CDATA[" + s.QuestionKey + "]]></QuestionKey><OptionIds><OptionId><![CDATA[" +
			selected + "]]></OptionId></OptionIds></SelectedItem></SelectedItems>"
	}
	code := f.issueCode(taskID)
	now := f.clock.Now().Unix()
	f.mu.Unlock()
	plain := "<xml><ToUserName><![CDATA[" + FakeWeComCorpID + "]]></ToUserName><FromUserName><![CDATA[" + user +
		"]]></FromUserName><CreateTime>" + strconv.FormatInt(now, 10) + "</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
		"<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[" + key + "]]></EventKey><TaskId><![CDATA[" + taskID +
		"]]></TaskId><CardType><![CDATA[" + c.Card.CardType + "]]></CardType><ResponseCode><![CDATA[" + code +
		"]]></ResponseCode><AgentID>" + strconv.FormatInt(FakeWeComAgentID, 10) + "</AgentID>" + items + "</xml>"
	r, err := f.post(plain, FakeForgery{})
	if err == nil && r.MsgType == "update_button" {
		f.mu.Lock()
		c.Replaced[user] = r.Text
		f.mu.Unlock()
	}
	return r, err
}

// Write sends text from member user to the app, as typed in its chat.
func (f *FakeWeCom) Write(user, text string) (FakeReply, error) {
	f.mu.Lock()
	id := strconv.Itoa(1_000_000 + len(f.calls) + f.seq)
	f.seq++
	now := f.clock.Now().Unix()
	f.mu.Unlock()
	return f.post(TextCallback(user, text, id, now), FakeForgery{})
}

// TextCallback is the plaintext of a member's text message to the app.
func TextCallback(user, text, msgID string, at int64) string {
	return "<xml><ToUserName><![CDATA[" + FakeWeComCorpID + "]]></ToUserName><FromUserName><![CDATA[" + user +
		"]]></FromUserName><CreateTime>" + strconv.FormatInt(at, 10) + "</CreateTime><MsgType><![CDATA[text]]></MsgType>" +
		"<Content><![CDATA[" + text + "]]></Content><MsgId>" + msgID + "</MsgId><AgentID>" +
		strconv.FormatInt(FakeWeComAgentID, 10) + "</AgentID></xml>"
}

// PostCallback posts plaintext as a callback, altered by forge, and
// returns the answer.
func (f *FakeWeCom) PostCallback(plain string, forge FakeForgery) (FakeReply, error) {
	return f.post(plain, forge)
}

func (f *FakeWeCom) post(plain string, forge FakeForgery) (FakeReply, error) {
	if f.Callback == nil {
		return FakeReply{}, errors.New("fake wecom: no Callback to post to")
	}
	ts := f.clock.Now().Unix()
	if forge.Timestamp != 0 {
		ts = forge.Timestamp
	}
	tss, nonce := strconv.FormatInt(ts, 10), strconv.FormatInt(ts%100000007, 10)
	c := f.crypto
	if forge.CorpID != "" {
		var err error
		if c, err = tencent.NewCrypto(FakeWeComToken, forge.CorpID, FakeWeComAESKey); err != nil {
			return FakeReply{}, err
		}
	}
	enc, sig, err := c.Seal(nil, []byte(plain), tss, nonce)
	if err != nil {
		return FakeReply{}, err
	}
	if forge.Tamper {
		b := []byte(enc)
		i := len(b) / 2
		b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
		enc = string(b)
		sig = f.crypto.Sign(tss, nonce, enc)
	}
	if forge.Signature != "" {
		sig = forge.Signature
	}
	body := "<xml><ToUserName><![CDATA[" + FakeWeComCorpID + "]]></ToUserName><AgentID><![CDATA[" +
		strconv.FormatInt(FakeWeComAgentID, 10) + "]]></AgentID><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	q := url.Values{"msg_signature": {sig}, "timestamp": {tss}, "nonce": {nonce}}
	req := httptest.NewRequest(http.MethodPost, f.CallbackPath+"?"+q.Encode(), strings.NewReader(body))
	rec := httptest.NewRecorder()
	f.Callback.ServeHTTP(rec, req)
	out := FakeReply{Status: rec.Code}
	if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
		return out, nil
	}
	return f.readReply(out, rec.Body.Bytes())
}

// readReply checks and decrypts a passive reply, as WeCom does.
func (f *FakeWeCom) readReply(out FakeReply, body []byte) (FakeReply, error) {
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return out, fmt.Errorf("fake wecom: reply is not XML: %w", err)
	}
	_, plain, err := f.crypto.Open(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
	if err != nil {
		return out, fmt.Errorf("fake wecom: reply does not verify: %w", err)
	}
	var m struct {
		MsgType     string `xml:"MsgType"`
		Content     string `xml:"Content"`
		ReplaceName string `xml:"Button>ReplaceName"`
	}
	if err := xml.Unmarshal(plain, &m); err != nil {
		return out, fmt.Errorf("fake wecom: reply plaintext: %w", err)
	}
	out.MsgType, out.Text = m.MsgType, m.Content
	if m.MsgType == "update_button" {
		out.Text = m.ReplaceName
	}
	return out, nil
}

// VerifyURL sends WeCom's GET check of the callback URL with echo, and
// returns the status and body.
func (f *FakeWeCom) VerifyURL(echo string) (int, string, error) {
	ts := strconv.FormatInt(f.clock.Now().Unix(), 10)
	enc, sig, err := f.crypto.Seal(nil, []byte(echo), ts, "42")
	if err != nil {
		return 0, "", err
	}
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {"42"}, "echostr": {enc}}
	rec := httptest.NewRecorder()
	f.Callback.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, f.CallbackPath+"?"+q.Encode(), nil))
	return rec.Code, rec.Body.String(), nil
}
