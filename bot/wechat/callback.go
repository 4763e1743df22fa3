package wechat

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
)

// Rejection reasons, the values of the metric's reason label.
const (
	RejectBadSignature = "bad_signature"
	RejectStale        = "stale"
	RejectTooLarge     = "too_large"
	RejectMalformed    = "malformed"
	RejectDecrypt      = "decrypt"
	RejectMethod       = "method"
	RejectUnencrypted  = "unencrypted"
)

// handleBudget is how long the handler may take: WeChat waits 5 s, and the
// reply still has to be encrypted and written.
const handleBudget = 4500 * time.Millisecond

// retryAfter is the seconds a 503 asks the caller to wait: about as long
// as a database restart or failover takes. WeChat retries on its own
// schedule; the header is for proxies and people reading the response.
const retryAfter = "5"

// maxReplyBytes is the most a passive text reply may hold.
const maxReplyBytes = 2048

// CallbackOptions are a callback's collaborators besides the handler.
type CallbackOptions struct {
	Clock clock.Clock // default real
	Log   *zap.Logger // default none
	// Rejected counts a refused request by reason (metrics.CallbackRejected
	// for channel wechat_oa).
	Rejected func(reason string)
}

// Callback serves the Official Account's callback URL: GET verifies the
// URL with WeChat, POST delivers a student's message or event. A request
// that fails a check is refused with a status and nothing is written; the
// body is never logged. A message's reply is written after the handler
// returns, that is after its case is committed.
type Callback struct {
	cfg      Config
	h        bot.Handler
	clock    clock.Clock
	log      *zap.Logger
	rejected func(string)
}

// NewCallback returns the callback handler for cfg.
func NewCallback(cfg Config, h bot.Handler, o CallbackOptions) *Callback {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.Rejected == nil {
		o.Rejected = func(string) {}
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = config.DefaultWeChatMaxBodyBytes
	}
	return &Callback{cfg: cfg, h: h, clock: o.Clock, log: o.Log.Named("wechat"), rejected: o.Rejected}
}

func (c *Callback) reject(w http.ResponseWriter, status int, reason string, err error) {
	c.rejected(reason)
	fields := []zap.Field{zap.String("reason", reason), zap.Int("status", status)}
	if err != nil {
		fields = append(fields, zap.Error(err))
	}
	c.log.Warn("callback rejected", fields...)
	http.Error(w, http.StatusText(status), status)
}

// ServeHTTP answers WeChat.
func (c *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		c.reject(w, http.StatusMethodNotAllowed, RejectMethod, nil)
		return
	}
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !signatureOK(q.Get("signature"), c.cfg.Token, ts, nonce) {
		c.reject(w, http.StatusUnauthorized, RejectBadSignature, nil)
		return
	}
	if !c.fresh(ts) {
		c.reject(w, http.StatusForbidden, RejectStale, nil)
		return
	}
	if r.Method == http.MethodGet {
		c.verifyURL(w, q.Get("echostr"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, c.cfg.MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		c.reject(w, http.StatusRequestEntityTooLarge, RejectTooLarge, nil)
		return
	}
	if err != nil {
		c.reject(w, http.StatusBadRequest, RejectMalformed, err)
		return
	}
	var random []byte
	plain := body
	safe := q.Get("encrypt_type") == "aes"
	if !safe && c.cfg.EncodingAESKey != "" {
		// With a key, WeChat sends every message encrypted (safe and
		// compatible mode alike), signed over its ciphertext. A plaintext
		// body is signed by nothing: the URL's signature covers only the
		// token, timestamp and nonce, and a captured URL would carry any
		// body, as any student, until it went stale.
		c.reject(w, http.StatusUnauthorized, RejectUnencrypted, nil)
		return
	}
	if safe {
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
			c.reject(w, http.StatusBadRequest, RejectMalformed, errors.New("no Encrypt element"))
			return
		}
		if !signatureOK(q.Get("msg_signature"), c.cfg.Token, ts, nonce, env.EncryptedMsg) {
			c.reject(w, http.StatusUnauthorized, RejectBadSignature, nil)
			return
		}
		if random, plain, err = decrypt(c.cfg.AppID, c.cfg.EncodingAESKey, env.EncryptedMsg); err != nil {
			c.reject(w, http.StatusBadRequest, RejectDecrypt, err)
			return
		}
	}
	var m message.MixMessage
	if err := xml.Unmarshal(plain, &m); err != nil || m.FromUserName == "" || m.MsgType == "" || m.CreateTime <= 0 {
		c.reject(w, http.StatusBadRequest, RejectMalformed, errors.New("not a WeChat message"))
		return
	}
	in := inbound(&m)
	ctx, cancel := context.WithTimeout(r.Context(), handleBudget)
	defer cancel()
	reply, err := c.h.Handle(ctx, in)
	if err != nil {
		// WeChat retries; the handler released the message so the retry
		// runs it afresh.
		c.log.Error("handle message", zap.String("kind", string(in.Kind)), zap.Error(err))
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	c.write(w, &m, reply, safe, random, ts, nonce)
}

// fresh reports whether the request's timestamp is within the replay
// window of now, either way (clocks drift).
func (c *Callback) fresh(ts string) bool {
	if c.cfg.ReplayWindow <= 0 {
		return true
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := c.clock.Now().Sub(time.Unix(sec, 0))
	return d <= c.cfg.ReplayWindow && d >= -c.cfg.ReplayWindow
}

// verifyURL answers WeChat's GET when the URL is configured: the echostr,
// as it came.
func (c *Callback) verifyURL(w http.ResponseWriter, echo string) {
	if echo == "" {
		c.reject(w, http.StatusBadRequest, RejectMalformed, errors.New("GET without echostr"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, echo)
}

// write sends the passive reply: "success" when there is nothing to say
// (WeChat's recommended answer, valid in every mode), else a text message,
// encrypted in safe mode with the request's random, timestamp and nonce.
func (c *Callback) write(w http.ResponseWriter, m *message.MixMessage, reply bot.Reply, safe bool, random []byte, ts, nonce string) {
	if reply.Empty() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
		return
	}
	text := message.NewText(clip(oaText.Escape(reply.Text, nil), maxReplyBytes))
	text.SetToUserName(m.FromUserName)
	text.SetFromUserName(m.ToUserName)
	text.SetMsgType(message.MsgTypeText)
	text.SetCreateTime(c.clock.Now().Unix())
	out, err := xml.Marshal(text)
	if err == nil && safe {
		var enc string
		if enc, err = encrypt(c.cfg.AppID, c.cfg.EncodingAESKey, random, out); err == nil {
			tsInt, _ := strconv.ParseInt(ts, 10, 64)
			out, err = xml.Marshal(message.ResponseEncryptedXMLMsg{
				EncryptedMsg: enc, MsgSignature: signature(c.cfg.Token, ts, nonce, enc), Timestamp: tsInt, Nonce: nonce,
			})
		}
	}
	if err != nil {
		// The case is committed; the student learns its number from 查询.
		c.log.Error("encode reply", zap.Error(err))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(out)
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
