package wechat

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
)

// Delivery methods, as SendResult.Method and the outbox record them.
const (
	MethodCustomerService = "customer_service" // 客服消息: free text while the window is open
	MethodSubscribe       = "subscribe"        // 订阅通知: one per subscription the student gave
	MethodTemplate        = "template"         // 模板消息
)

// Window is WeChat's rule for customer-service messages: for 48 hours
// after the student's last message.
const Window = 48 * time.Hour

// Windows says when a student last wrote, which opens the window; the
// service's complainant records answer it. ok is false when unknown.
type Windows interface {
	LastMessageAt(ctx context.Context, openid string) (at time.Time, ok bool, err error)
}

// Sender delivers messages to students: a customer-service message while
// the 48-hour window is open, otherwise the subscribe message, otherwise
// the template message. A method WeChat refuses for this student (45015
// window closed, 45047 quota used, 43101 no subscription) passes to the
// next instead of being retried; which method delivered is the result's
// Method and the start of its MessageID ("template:2453…").
type Sender struct {
	api     *API
	cfg     Config
	windows Windows
	clock   clock.Clock
	log     *zap.Logger
	zone    *time.Location // of the time template fields show
}

// NewSender returns the sender; windows may be nil (then the customer-
// service message is always tried first and 45015 decides).
func NewSender(cfg Config, api *API, windows Windows, clk clock.Clock, log *zap.Logger) *Sender {
	if clk == nil {
		clk = clock.Real{}
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Sender{api: api, cfg: cfg, windows: windows, clock: clk, log: log.Named("wechat"), zone: cases.Shanghai()}
}

// Platform is "wechat".
func (s *Sender) Platform() string { return bot.PlatformWeChat }

// ErrNoMethod is a message no configured method could deliver.
var ErrNoMethod = errors.New("no delivery method reaches the student")

// Send delivers out to one student.
func (s *Sender) Send(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	a := out.Address
	if a.Kind != bot.AddressUser || len(a.IDs) != 1 || a.IDs[0] == "" {
		return bot.SendResult{}, bot.Permanentf("wechat address %+v: %w", a, bot.ErrBadAddress)
	}
	openid := a.IDs[0]
	var passed []string
	for _, m := range s.methods(ctx, openid) {
		id, err := m.send(ctx, openid, out.Message)
		if err == nil {
			res := bot.SendResult{Method: m.name, MessageID: m.name}
			if id != "" {
				res.MessageID += ":" + id
			}
			return res, nil
		}
		code := tencent.ErrorCode(err)
		if passOn(code) {
			passed = append(passed, m.name+" "+strconv.FormatInt(code, 10))
			continue
		}
		return bot.SendResult{}, classify(m.name, err)
	}
	if len(passed) == 0 {
		passed = append(passed, "window closed, no subscribe or template message configured")
	}
	return bot.SendResult{}, bot.Permanentf("%w: %s", ErrNoMethod, strings.Join(passed, "; "))
}

type method struct {
	name string
	send func(ctx context.Context, openid string, m bot.Message) (id string, err error)
}

// methods lists what to try, in order.
func (s *Sender) methods(ctx context.Context, openid string) []method {
	var ms []method
	open := true
	if s.windows != nil {
		last, ok, err := s.windows.LastMessageAt(ctx, openid)
		if err == nil && ok && s.clock.Now().Sub(last) >= Window {
			open = false // known closed: spare the call that would answer 45015
		}
	}
	if open {
		ms = append(ms, method{MethodCustomerService, s.customerService})
	}
	if s.cfg.SubscribeTemplateID != "" {
		ms = append(ms, method{MethodSubscribe, s.subscribe})
	}
	if s.cfg.TemplateID != "" {
		ms = append(ms, method{MethodTemplate, s.template})
	}
	return ms
}

// passOn reports whether a method's refusal means "not this way for this
// student now", so the next method should be tried.
func passOn(code int64) bool {
	return code == CodeOutOfWindow || code == CodeCSQuota || code == CodeNoSubscription
}

// classify marks what is worth retrying: transport failures, WeChat being
// busy or rate-limiting; anything else WeChat refused will not change.
func classify(method string, err error) error {
	code := tencent.ErrorCode(err)
	se := &bot.SendError{Err: fmt.Errorf("%s: %w", method, err)}
	if code != 0 {
		se.Code = strconv.FormatInt(code, 10)
	}
	switch code {
	case 0, tencent.CodeBusy:
		se.Retryable = true
	case tencent.CodeFrequency:
		se.Retryable, se.RetryAfter = true, time.Minute
	}
	return se
}

// customerService sends the message as text, its link buttons as links.
func (s *Sender) customerService(ctx context.Context, openid string, m bot.Message) (string, error) {
	_, err := s.api.Post(ctx, "custom/send", "/cgi-bin/message/custom/send", message.NewCustomerTextMessage(openid, plainText(m)))
	return "", err
}

// subscribeMessage is subscribe/bizsend's request, and templateMessage
// template/send's. Unlike the library's, they carry no miniprogram object:
// jiesu links to a web page, and an empty miniprogram.appid is refused.
type subscribeMessage struct {
	ToUser     string               `json:"touser"`
	TemplateID string               `json:"template_id"`
	Page       string               `json:"page,omitempty"`
	Data       map[string]dataValue `json:"data"`
}

type templateMessage struct {
	ToUser     string               `json:"touser"`
	TemplateID string               `json:"template_id"`
	URL        string               `json:"url,omitempty"`
	Data       map[string]dataValue `json:"data"`
}

type dataValue struct {
	Value string `json:"value"`
}

func data(fields map[string]string, m bot.Message, now time.Time) map[string]dataValue {
	out := map[string]dataValue{}
	for k, v := range fillFields(fields, m, now) {
		out[k] = dataValue{Value: v}
	}
	return out
}

// subscribe sends the subscribe message; its page is the message's first
// link (the survey page, which shows the whole result).
func (s *Sender) subscribe(ctx context.Context, openid string, m bot.Message) (string, error) {
	msg := subscribeMessage{ToUser: openid, TemplateID: s.cfg.SubscribeTemplateID, Page: firstLink(m),
		Data: data(s.cfg.SubscribeFields, m, s.clock.Now().In(s.zone))}
	_, err := s.api.Post(ctx, "subscribe/bizsend", "/cgi-bin/message/subscribe/bizsend", msg)
	return "", err
}

func (s *Sender) template(ctx context.Context, openid string, m bot.Message) (string, error) {
	msg := templateMessage{ToUser: openid, TemplateID: s.cfg.TemplateID, URL: firstLink(m),
		Data: data(s.cfg.TemplateFields, m, s.clock.Now().In(s.zone))}
	res, err := s.api.Post(ctx, "template/send", "/cgi-bin/message/template/send", msg)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(res.MsgID, 10), nil
}

// plainText lays a message out for a customer-service text: title and body
// escaped, and each link button as a link: the only links it has. The case page (Message.Link) is the
// units' console, which a student cannot open, so it is left out.
func plainText(m bot.Message) string {
	var b strings.Builder
	b.WriteString(oaText.Escape(m.Title, m.Links))
	if m.Text != "" {
		b.WriteString("\n" + oaText.Escape(m.Text, m.Links))
	}
	for _, btn := range m.Actions {
		if btn.URL != "" {
			b.WriteString("\n<a href=\"" + html.EscapeString(btn.URL) + "\">" + html.EscapeString(btn.Label) + "</a>")
		}
	}
	return b.String()
}

func firstLink(m bot.Message) string {
	for _, btn := range m.Actions {
		if btn.URL != "" {
			return btn.URL
		}
	}
	return ""
}
