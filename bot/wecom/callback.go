package wecom

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/internal/clock"
)

// maxCallbackBody bounds a callback: a member's text is at most 2048 bytes
// before encryption.
const maxCallbackBody = 64 << 10

// dedupTTL outlasts WeCom's retries of one callback (three, within
// seconds) by far.
const dedupTTL = 10 * time.Minute

// Dedup remembers callbacks already handled; internal/cache.Cache is one
// (Redis when several replicas share the callback URL).
type Dedup interface {
	SetNX(ctx context.Context, key, val string, ttl time.Duration) (bool, error)
	Delete(key string) error
}

// CodeKeeper keeps the update code a card press brings.
type CodeKeeper interface {
	SetCardCode(ctx context.Context, platform, taskID, code string, at time.Time) error
}

// Callback serves the app's callback URL: GET verifies the URL when the app
// is configured, POST brings members' messages and card presses. Anything
// whose signature, ciphertext, corp or timestamp does not check out is
// refused with 401 before it reaches the handler.
type Callback struct {
	crypto  *tencent.Crypto
	agentID string
	handler bot.Handler
	codes   CodeKeeper
	dedup   Dedup
	clock   clock.Clock
	window  time.Duration
	log     *zap.Logger
	reject  func(reason string)
}

// CallbackConfig builds a Callback. Crypto, Handler and Dedup are required.
type CallbackConfig struct {
	Crypto  *tencent.Crypto
	AgentID int64
	Handler bot.Handler
	Codes   CodeKeeper // nil: press codes are not kept
	Dedup   Dedup
	Clock   clock.Clock
	// ReplayWindow refuses a POST whose timestamp is further than this
	// from now (wecom.replay_window).
	ReplayWindow time.Duration
	Log          *zap.Logger
	// Rejected counts refusals by reason (metrics.CallbackRejected).
	Rejected func(reason string)
}

// NewCallback returns the callback handler.
func NewCallback(c CallbackConfig) (*Callback, error) {
	if c.Crypto == nil || c.Handler == nil || c.Dedup == nil {
		return nil, errors.New("wecom: callback needs crypto, a handler and a dedup cache")
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Log == nil {
		c.Log = zap.NewNop()
	}
	if c.Rejected == nil {
		c.Rejected = func(string) {}
	}
	if c.ReplayWindow <= 0 {
		c.ReplayWindow = 5 * time.Minute
	}
	return &Callback{crypto: c.Crypto, agentID: strconv.FormatInt(c.AgentID, 10), handler: c.Handler, codes: c.Codes,
		dedup: c.Dedup, clock: c.Clock, window: c.ReplayWindow, log: c.Log.Named("wecom.callback"), reject: c.Rejected}, nil
}

// ServeHTTP implements http.Handler.
func (cb *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		cb.verifyURL(w, r)
	case http.MethodPost:
		cb.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (cb *Callback) refuse(w http.ResponseWriter, reason string, err error) {
	cb.reject(reason)
	cb.log.Warn("callback refused", zap.String("reason", reason), zap.Error(err))
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// verifyURL answers WeCom's check of the callback URL with the decrypted
// echostr, exactly: no quotes, no newline.
func (cb *Callback) verifyURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	_, plain, err := cb.crypto.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
	if err != nil {
		cb.refuse(w, reasonOf(err), err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(plain)
}

func reasonOf(err error) string {
	switch {
	case errors.Is(err, tencent.ErrBadSignature):
		return "bad_signature"
	case errors.Is(err, tencent.ErrWrongReceiver):
		return "wrong_corp"
	}
	return "bad_ciphertext"
}

func (cb *Callback) receive(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
	if err := tencent.CheckTimestamp(ts, cb.clock.Now(), cb.window); errors.Is(err, tencent.ErrStale) {
		cb.refuse(w, "stale", err)
		return
	} else if err != nil {
		cb.refuse(w, "malformed", err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBody))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	enc, err := tencent.Encrypted(body)
	if err != nil {
		cb.refuse(w, "malformed", err)
		return
	}
	_, plain, err := cb.crypto.Open(sig, ts, nonce, enc)
	if err != nil {
		cb.refuse(w, reasonOf(err), err)
		return
	}
	m, err := parseMessage(plain)
	if err != nil {
		cb.refuse(w, "malformed", err)
		return
	}
	// The ciphertext named our corp; the message inside must too, and be
	// for our app.
	if m.ToUserName != cb.crypto.ReceiverID() {
		cb.refuse(w, "wrong_corp", errors.New("ToUserName is another corp"))
		return
	}
	if m.AgentID != "" && m.AgentID != cb.agentID {
		cb.refuse(w, "wrong_agent", errors.New("AgentID is another app"))
		return
	}
	in, ok := inbound(m)
	if !ok {
		w.WriteHeader(http.StatusOK) // an event jiesu does not use
		return
	}
	key := "wecom:callback:" + m.dedupKey()
	if first, err := cb.dedup.SetNX(r.Context(), key, "1", dedupTTL); err != nil {
		cb.log.Warn("callback dedup unavailable; handling anyway", zap.Error(err))
	} else if !first {
		cb.reject("duplicate")
		w.WriteHeader(http.StatusOK) // WeCom's retry of what we handled
		return
	}
	reply, err := cb.handler.Handle(r.Context(), in)
	if err != nil {
		// Let WeCom's retry try again.
		_ = cb.dedup.Delete(key)
		cb.log.Error("handle callback", zap.String("from", m.FromUserName), zap.String("kind", string(in.Kind)), zap.Error(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if in.Kind == bot.KindAction && reply.Empty() && cb.codes != nil && m.ResponseCode != "" {
		// Unanswered, the press's code is unused: the newest for the card.
		if err := cb.codes.SetCardCode(r.Context(), bot.PlatformWeCom, m.TaskID, m.ResponseCode, cb.clock.Now()); err != nil {
			cb.log.Warn("keep card code", zap.String("task_id", m.TaskID), zap.Error(err))
		}
	}
	cb.answer(w, m, in, reply, ts, nonce)
}

// inbound turns a callback into the core's Inbound; false for what jiesu
// does not handle.
func inbound(m message) (bot.Inbound, bool) {
	in := bot.Inbound{Platform: bot.PlatformWeCom, From: bot.Person{Platform: bot.PlatformWeCom, ID: m.FromUserName},
		MsgID: m.dedupKey(), At: time.Unix(m.CreateTime, 0)}
	switch {
	case m.MsgType == msgTypeText:
		in.Kind, in.Text = bot.KindText, m.Content
		return in, true
	case m.MsgType == msgTypeEvent && m.Event == eventCardPress:
		key := m.EventKey
		if key == keySelected {
			key = m.selected()
		}
		name, number, ok := bot.ParseActionKey(key)
		if !ok {
			return in, false
		}
		in.Kind = bot.KindAction
		in.Action = &bot.Action{Name: name, CaseNumber: number, Value: m.selected(), TaskID: m.TaskID, Digest: m.EventKey == keySelected}
		in.ReplyHandle = m.ResponseCode
		return in, true
	}
	return in, false
}

// answer writes the passive reply: a card press changes the presser's
// button to the reply, a message gets the reply as text. Nothing to say
// is an empty 200.
func (cb *Callback) answer(w http.ResponseWriter, m message, in bot.Inbound, reply bot.Reply, ts, nonce string) {
	if reply.Empty() {
		w.WriteHeader(http.StatusOK)
		return
	}
	now := cb.clock.Now().Unix()
	var plain any = replyText{ToUserName: cdata{m.FromUserName}, FromUserName: cdata{m.ToUserName}, CreateTime: now,
		MsgType: cdata{msgTypeText}, Content: cdata{appText.Escape(reply.Text, nil)}}
	if in.Kind == bot.KindAction {
		plain = replyButton{ToUserName: cdata{m.FromUserName}, FromUserName: cdata{m.ToUserName}, CreateTime: now,
			MsgType: cdata{replyUpdateButton}, ReplaceName: cdata{cardCut(reply.Text, buttonRunes)}}
	}
	b, err := xml.Marshal(plain)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	out, err := cb.crypto.Reply(nil, b, ts, nonce)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(out)
}
