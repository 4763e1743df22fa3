package fakes

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WeChatMode is how the account's messages are posted (消息加解密方式).
type WeChatMode string

const (
	WeChatPlain      WeChatMode = "plain"      // 明文模式
	WeChatCompatible WeChatMode = "compatible" // 兼容模式: plain fields and Encrypt
	WeChatSafe       WeChatMode = "safe"       // 安全模式
)

// WeChatMessage is a message or event as WeChat posts it. Zero fields are
// left out of the XML.
type WeChatMessage struct {
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Content      string
	MsgID        int64
	PicURL       string
	MediaID      string
	Format       string
	Recognition  string
	LocationX    float64
	LocationY    float64
	Scale        int
	Label        string
	Event        string
	EventKey     string
}

// XML renders the message as WeChat does: strings in CDATA, one element a
// line.
func (m WeChatMessage) XML() []byte {
	var b bytes.Buffer
	b.WriteString("<xml>")
	cdata := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "<%s><![CDATA[%s]]></%s>\n", name, strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"), name)
		}
	}
	num := func(name string, v string) { fmt.Fprintf(&b, "<%s>%s</%s>\n", name, v, name) }
	cdata("ToUserName", m.ToUserName)
	cdata("FromUserName", m.FromUserName)
	num("CreateTime", strconv.FormatInt(m.CreateTime, 10))
	cdata("MsgType", m.MsgType)
	cdata("Content", m.Content)
	cdata("PicUrl", m.PicURL)
	cdata("MediaId", m.MediaID)
	cdata("Format", m.Format)
	cdata("Recognition", m.Recognition)
	if m.MsgType == "location" {
		num("Location_X", strconv.FormatFloat(m.LocationX, 'f', -1, 64))
		num("Location_Y", strconv.FormatFloat(m.LocationY, 'f', -1, 64))
		num("Scale", strconv.Itoa(m.Scale))
	}
	cdata("Label", m.Label)
	cdata("Event", m.Event)
	cdata("EventKey", m.EventKey)
	if m.MsgID != 0 {
		num("MsgId", strconv.FormatInt(m.MsgID, 10))
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

func (f *FakeWeChat) message(openid, msgType string) WeChatMessage {
	f.mu.Lock()
	f.msgSeq++
	id := f.msgSeq
	f.mu.Unlock()
	return WeChatMessage{ToUserName: FakeWeChatAccount, FromUserName: openid, CreateTime: f.clock.Now().Unix(), MsgType: msgType, MsgID: id}
}

// Text is a text message from openid, now, with a fresh MsgId.
func (f *FakeWeChat) Text(openid, content string) WeChatMessage {
	m := f.message(openid, "text")
	m.Content = content
	return m
}

// Image is a picture from openid; AddMedia makes mediaID downloadable.
func (f *FakeWeChat) Image(openid, mediaID string) WeChatMessage {
	m := f.message(openid, "image")
	m.MediaID, m.PicURL = mediaID, "http://mmbiz.qpic.cn/fake/"+mediaID
	return m
}

// Voice is a voice message with WeChat's recognition of it.
func (f *FakeWeChat) Voice(openid, mediaID, recognition string) WeChatMessage {
	m := f.message(openid, "voice")
	m.MediaID, m.Format, m.Recognition = mediaID, "amr", recognition
	return m
}

// Location is a shared location.
func (f *FakeWeChat) Location(openid string, lat, lng float64, label string) WeChatMessage {
	m := f.message(openid, "location")
	m.LocationX, m.LocationY, m.Scale, m.Label = lat, lng, 15, label
	return m
}

// Event is an event (subscribe, CLICK…), which has no MsgId.
func (f *FakeWeChat) Event(openid, event, key string) WeChatMessage {
	m := f.message(openid, "event")
	m.MsgID, m.Event, m.EventKey = 0, event, key
	return m
}

// Other is a message of another type (video, link, file…).
func (f *FakeWeChat) Other(openid, msgType string) WeChatMessage {
	m := f.message(openid, msgType)
	m.MediaID = "MEDIA-" + msgType
	return m
}

// WeChatSigned is a callback request's parts, for tests that tamper with
// one.
type WeChatSigned struct {
	Query url.Values
	Body  []byte
}

// Sign signs (and, in compatible and safe mode, encrypts) a message body
// as WeChat would at `at`, with the given random and nonce (nil and "":
// fresh ones).
func (f *FakeWeChat) Sign(mode WeChatMode, plain []byte, at time.Time, random []byte, nonce string) WeChatSigned {
	if random == nil {
		random = randomAlnum(16)
	}
	if nonce == "" {
		nonce = string(randomDigits(10))
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {WeChatSignature(FakeWeChatToken, ts, nonce)}}
	body := plain
	if mode != WeChatPlain {
		enc, err := WeChatEncrypt(random, plain, FakeWeChatAppID, FakeWeChatAESKey)
		if err != nil {
			f.t.Fatalf("fake wechat: encrypt: %v", err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", WeChatSignature(FakeWeChatToken, ts, nonce, enc))
		if mode == WeChatSafe {
			body = []byte("<xml><ToUserName><![CDATA[" + FakeWeChatAccount + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
		} else {
			body = append(bytes.TrimSuffix(plain, []byte("</xml>")), []byte("<Encrypt><![CDATA["+enc+"]]></Encrypt></xml>")...)
		}
	}
	q.Set("openid", openidOf(plain))
	return WeChatSigned{Query: q, Body: body}
}

// Request is the POST WeChat makes to the service's callback at target
// (its full URL) for m, signed now. A message (not an event) also opens
// the student's customer-service window, as it does on WeChat.
func (f *FakeWeChat) Request(target string, mode WeChatMode, m WeChatMessage) *http.Request {
	if m.MsgType != "event" {
		f.UserWrote(m.FromUserName, time.Unix(m.CreateTime, 0))
	}
	return f.SignedRequest(target, f.Sign(mode, m.XML(), f.clock.Now(), nil, ""))
}

// SignedRequest is the POST of a signed callback.
func (f *FakeWeChat) SignedRequest(target string, s WeChatSigned) *http.Request {
	req, err := http.NewRequest(http.MethodPost, target+"?"+s.Query.Encode(), bytes.NewReader(s.Body))
	if err != nil {
		f.t.Fatalf("fake wechat: %v", err)
	}
	req.Header.Set("Content-Type", "text/xml")
	return req
}

// VerifyURL is the GET WeChat makes when the URL is configured.
func (f *FakeWeChat) VerifyURL(target, echostr string) *http.Request {
	s := f.Sign(WeChatPlain, nil, f.clock.Now(), nil, "")
	q := s.Query
	q.Del("openid")
	q.Set("echostr", echostr)
	req, err := http.NewRequest(http.MethodGet, target+"?"+q.Encode(), nil)
	if err != nil {
		f.t.Fatalf("fake wechat: %v", err)
	}
	return req
}

// WeChatReply is a passive reply as the student sees it.
type WeChatReply struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	// Success: the service answered "success" or nothing (no message).
	Success bool `xml:"-"`
}

// ReadReply reads the body of a callback's answer as WeChat would: in
// compatible and safe mode it checks MsgSignature against timestamp and
// nonce and decrypts.
func (f *FakeWeChat) ReadReply(mode WeChatMode, body []byte) (WeChatReply, error) {
	if s := strings.TrimSpace(string(body)); s == "" || s == "success" {
		return WeChatReply{Success: true}, nil
	}
	plain := body
	if mode != WeChatPlain {
		var env struct {
			Encrypt      string `xml:"Encrypt"`
			MsgSignature string `xml:"MsgSignature"`
			TimeStamp    string `xml:"TimeStamp"`
			Nonce        string `xml:"Nonce"`
		}
		if err := xml.Unmarshal(body, &env); err != nil {
			return WeChatReply{}, fmt.Errorf("reply envelope: %w", err)
		}
		if env.MsgSignature != WeChatSignature(FakeWeChatToken, env.TimeStamp, env.Nonce, env.Encrypt) {
			return WeChatReply{}, errors.New("reply: bad MsgSignature")
		}
		_, msg, err := WeChatDecrypt(env.Encrypt, FakeWeChatAppID, FakeWeChatAESKey)
		if err != nil {
			return WeChatReply{}, fmt.Errorf("reply: %w", err)
		}
		plain = msg
	}
	var r WeChatReply
	if err := xml.Unmarshal(plain, &r); err != nil {
		return WeChatReply{}, fmt.Errorf("reply: %w", err)
	}
	return r, nil
}

func openidOf(plain []byte) string {
	var m struct {
		From string `xml:"FromUserName"`
	}
	_ = xml.Unmarshal(plain, &m)
	return m.From
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomAlnum(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return b
}

func randomDigits(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return b
}
