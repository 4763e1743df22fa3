package wechat

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
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
	cfg Config
	// crypto opens safe-mode messages; nil in plaintext mode, or when the
	// key does not decode (cryptoErr), which refuses every encrypted
	// message as undecryptable.
	crypto    *tencent.Crypto
	cryptoErr error
	h         bot.Handler
	clock     clock.Clock
	log       *zap.Logger
	rejected  func(string)
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
	cb := &Callback{cfg: cfg, h: h, clock: o.Clock, log: o.Log.Named("wechat"), rejected: o.Rejected,
		cryptoErr: errors.New("no encoding_aes_key configured")}
	if cfg.EncodingAESKey != "" {
		cb.crypto, cb.cryptoErr = tencent.NewCrypto(cfg.Token, cfg.AppID, cfg.EncodingAESKey)
	}
	return cb
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
	if tencent.CheckSignature(q.Get("signature"), c.cfg.Token, ts, nonce) != nil {
		c.reject(w, http.StatusUnauthorized, RejectBadSignature, nil)
		return
	}
	if tencent.CheckTimestamp(ts, c.clock.Now(), c.cfg.ReplayWindow) != nil {
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
		enc, err := tencent.Encrypted(body)
		if err != nil {
			c.reject(w, http.StatusBadRequest, RejectMalformed, err)
			return
		}
		if c.crypto == nil {
			// Without a key the signature is still checked, so that a
			// forgery is told apart from a message this account cannot open.
			if tencent.CheckSignature(q.Get("msg_signature"), c.cfg.Token, ts, nonce, enc) != nil {
				c.reject(w, http.StatusUnauthorized, RejectBadSignature, nil)
				return
			}
			c.reject(w, http.StatusBadRequest, RejectDecrypt, c.cryptoErr)
			return
		}
		// Open checks the signature before it decrypts.
		random, plain, err = c.crypto.Open(q.Get("msg_signature"), ts, nonce, enc)
		switch {
		case errors.Is(err, tencent.ErrBadSignature):
			c.reject(w, http.StatusUnauthorized, RejectBadSignature, nil)
			return
		case err != nil:
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
		out, err = c.crypto.Reply(random, out, ts, nonce)
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
