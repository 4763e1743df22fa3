package wecom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/clock"
)

// Parts of an outbound on WeCom (see Plan).
const (
	PartNotice = "notice" // the group notice, through the unit's robot
	PartCard   = "card"   // the 接单 card, through the app, to the unit's handlers
	PartUpdate = "update" // update of the case's cards once it is taken
	PartApp    = "app"    // a message through the app to members
)

// Rate limits. A robot takes 20 messages a minute (doc 91770). An app may
// send a member 30 a minute (doc 90236) and drops the excess silently; a
// handler gets cards through their unit's list and private messages by
// user id, so the 30 are split: at most 20 cards to a unit's handler list
// and 10 private messages to one member, whatever their sum.
const (
	RobotPerMinute    = 20
	ListPerMinute     = 20
	MemberPerMinute   = 10
	RobotFoldMax      = 20 // cases to one group digest: well within 4096 bytes of markdown
	CardFoldMax       = MaxHorizontal
	MemberFoldMax     = MaxHorizontal
	codeValidity      = 72 * time.Hour // of a response_code (doc 94888)
	duplicateInterval = 1800           // seconds: WeCom's default duplicate check window
)

// Templates a platform that updates cards uses (templates/messages):
// card_taken closes a case's cards when it is accepted ("已由 张三 接单"),
// card_closed when it leaves the unit otherwise.
const (
	TemplateCardTaken  = "card_taken"
	TemplateCardClosed = "card_closed"
)

// closes maps the domain's group messages that end a case's 接单 to the
// template of the card update that goes with them.
var closes = map[string]string{
	"case_accepted":  TemplateCardTaken,
	"case_withdrawn": TemplateCardClosed,
	"case_merged":    TemplateCardClosed,
}

// Group is a unit's group on WeCom: its robot, and who gets its cards.
type Group struct {
	Unit     string
	RobotKey string
	Parties  []string // department ids
	Tags     []string
}

// CardStore keeps the cards sent for each case; the database's store is
// one. A card or code it does not have is cases.ErrNotFound.
type CardStore interface {
	SaveCard(ctx context.Context, c cases.ChatCard, caseNumbers []string) error
	SetCardCode(ctx context.Context, platform, taskID, code string, at time.Time) error
	OpenCards(ctx context.Context, platform, caseNumber string) ([]cases.ChatCard, error)
	TakeCardCode(ctx context.Context, platform, taskID string, notBefore time.Time) (string, error)
	CloseCard(ctx context.Context, platform, taskID, caseNumber string, now time.Time) error
}

// Sender is the bot.Sender and bot.Planner for platform "wecom".
type Sender struct {
	install string
	client  *Client
	cards   CardStore
	groups  map[string]Group
	page    func(caseNumber string) string
	clock   clock.Clock
	log     *zap.Logger
}

// SenderConfig builds a Sender.
type SenderConfig struct {
	// Installation is this database's own id (the store's InstallationID),
	// part of every card's task_id. Required.
	Installation string
	Client       *Client
	Cards        CardStore
	// Groups are the units on WeCom by group key (config.Unit.ChatGroup),
	// the id the outbox addresses them by.
	Groups map[string]Group
	// PageURL is a case's page as members open it inside WeCom (through
	// OAuth); nil keeps the message's links.
	PageURL func(caseNumber string) string
	Clock   clock.Clock
	Log     *zap.Logger
}

// NewSender returns the WeCom sender.
func NewSender(c SenderConfig) *Sender {
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Log == nil {
		c.Log = zap.NewNop()
	}
	return &Sender{install: c.Installation, client: c.Client, cards: c.Cards, groups: c.Groups, page: c.PageURL, clock: c.Clock, log: c.Log.Named("wecom")}
}

// Platform is "wecom".
func (s *Sender) Platform() string { return bot.PlatformWeCom }

// Plan splits a unit's message into its group notice and its card (a
// WeCom group cannot carry callback buttons), adds the update of the
// case's cards when it was taken, and puts each part under its limit.
func (s *Sender) Plan(out bot.Outbound) []bot.Delivery {
	var ds []bot.Delivery
	switch out.Address.Kind {
	case bot.AddressGroup:
		g, ok := s.group(out.Address)
		if !ok {
			return nil
		}
		m := out.Message
		if m.Template == TemplateCardTaken || m.Template == TemplateCardClosed {
			ds = append(ds, bot.Delivery{Part: PartUpdate})
			break
		}
		// The card first: it is what the unit acts on, and the outbox
		// delivers a message's first part without queueing it again.
		if hasCallback(m) && (len(g.Parties) > 0 || len(g.Tags) > 0 || len(out.Address.Members) > 0) {
			key := "wecom:list:" + out.Address.IDs[0]
			ds = append(ds, bot.Delivery{Part: PartCard, Limits: []bot.Limit{{Key: key, Max: ListPerMinute, Window: time.Minute}},
				Fold: "wecom:cards:" + out.Address.IDs[0], FoldMax: CardFoldMax, DigestTemplate: "digest_card"})
		}
		if g.RobotKey != "" {
			key := "wecom:robot:" + fingerprint(g.RobotKey)
			ds = append(ds, bot.Delivery{Part: PartNotice, Limits: []bot.Limit{{Key: key, Max: RobotPerMinute, Window: time.Minute}},
				Fold: key, FoldMax: RobotFoldMax, DigestTemplate: "digest_notice"})
		}
		if t, ok := closes[m.Template]; ok {
			ds = append(ds, bot.Delivery{Part: PartUpdate, Template: t})
		}
	case bot.AddressUser, bot.AddressList:
		d := bot.Delivery{Part: PartApp, DigestTemplate: "digest_member", FoldMax: MemberFoldMax}
		for _, id := range out.Address.IDs {
			d.Limits = append(d.Limits, bot.Limit{Key: "wecom:user:" + id, Max: MemberPerMinute, Window: time.Minute})
		}
		if len(out.Address.IDs) == 1 {
			d.Fold = "wecom:user:" + out.Address.IDs[0]
		}
		ds = append(ds, d)
	}
	if out.Part == "" {
		return ds
	}
	for _, d := range ds {
		if d.Part == out.Part {
			return []bot.Delivery{d}
		}
	}
	// A part planned for a message no longer planned so (the config
	// changed): it still goes, without its limit.
	return []bot.Delivery{{Part: out.Part}}
}

// Send delivers one part of an outbound, or every part of it when Part is
// empty (an outbox that could not split it).
func (s *Sender) Send(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	out.Message = s.localize(out.Message)
	switch out.Part {
	case PartNotice:
		return s.notice(ctx, out)
	case PartCard:
		return s.groupCard(ctx, out)
	case PartUpdate:
		return s.update(ctx, out.Message)
	case PartApp:
		return s.app(ctx, out)
	case "":
		ds := s.Plan(out)
		if len(ds) == 0 {
			return bot.SendResult{}, bot.Permanentf("wecom group %q has no robot key and no handlers: %w", strings.Join(out.Address.IDs, ","), bot.ErrBadAddress)
		}
		var ids []string
		for _, d := range ds {
			if d.Template != "" {
				continue // needs its own rendering: only a splitting outbox sends it
			}
			o := out
			o.Part = d.Part
			res, err := s.Send(ctx, o)
			if err != nil {
				return bot.SendResult{}, err
			}
			ids = append(ids, res.MessageID)
		}
		return bot.SendResult{MessageID: strings.Join(ids, ","), Method: "app+robot"}, nil
	}
	return bot.SendResult{}, bot.Permanentf("wecom part %q: %w", out.Part, bot.ErrUnsupported)
}

func (s *Sender) group(a bot.Address) (Group, bool) {
	if len(a.IDs) != 1 {
		return Group{}, false
	}
	g, ok := s.groups[a.IDs[0]]
	return g, ok
}

// notice posts to the unit's group through its robot. The robot has no
// dedup key: a retry after a lost answer posts twice.
func (s *Sender) notice(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	g, ok := s.group(out.Address)
	if !ok || g.RobotKey == "" {
		return bot.SendResult{}, bot.Permanentf("wecom group %q has no robot key: %w", strings.Join(out.Address.IDs, ","), bot.ErrBadAddress)
	}
	err := s.client.RobotSend(ctx, g.RobotKey, RobotMessage{MsgType: MsgMarkdown, Markdown: &Markdown{Content: markdown(out.Message, MaxRobotMarkdown)}})
	if err != nil {
		return bot.SendResult{}, classify(err)
	}
	return bot.SendResult{MessageID: "robot:" + out.Message.DedupKey, Method: "robot"}, nil
}

// groupCard sends the 接单 card to the unit's handlers: its departments and
// tags, else its members.
func (s *Sender) groupCard(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	g, ok := s.group(out.Address)
	if !ok {
		return bot.SendResult{}, bot.Permanentf("wecom group %q: %w", strings.Join(out.Address.IDs, ","), bot.ErrBadAddress)
	}
	to := AppMessage{ToParty: strings.Join(g.Parties, "|"), ToTag: strings.Join(g.Tags, "|")}
	if to.ToParty == "" && to.ToTag == "" {
		to.ToUser = strings.Join(out.Address.Members, "|")
	}
	if to.ToUser == "" && to.ToParty == "" && to.ToTag == "" {
		return bot.SendResult{}, bot.Permanentf("wecom group %q has no handlers to send the card to: %w", g.Unit, bot.ErrBadAddress)
	}
	return s.sendCard(ctx, to, out)
}

// app sends to members through the app: a card when the message asks for
// a press, else markdown, or text for a plain reply.
func (s *Sender) app(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	ids := strings.Join(out.Address.IDs, "|")
	if ids == "" {
		return bot.SendResult{}, bot.Permanentf("wecom: no receivers: %w", bot.ErrBadAddress)
	}
	to := AppMessage{ToUser: ids}
	if out.Address.Kind == bot.AddressList {
		to = AppMessage{ToParty: ids}
	}
	m := out.Message
	if hasCallback(m) {
		return s.sendCard(ctx, to, out)
	}
	to.EnableDuplicateCheck, to.DuplicateCheckInterval = 1, duplicateInterval
	if m.Kind == bot.MessageText && len(m.Digest) == 0 {
		to.MsgType, to.Text = MsgText, &Text{Content: plain(m, MaxAppTextBytes)}
	} else {
		to.MsgType, to.Markdown = MsgMarkdown, &Markdown{Content: markdown(m, MaxAppMarkdownBytes)}
	}
	res, err := s.client.SendMessage(ctx, to)
	if err != nil {
		return bot.SendResult{}, classify(err)
	}
	s.warnInvalid(res, out)
	return bot.SendResult{MessageID: res.MsgID, Method: "app"}, nil
}

// sendCard sends a card (one case's, or a digest's). A unit's 接单 card is
// kept with its cases, so that taking a case updates every copy; a
// member's private card is theirs alone and stays as they left it.
func (s *Sender) sendCard(ctx context.Context, to AppMessage, out bot.Outbound) (bot.SendResult, error) {
	m := out.Message
	task := taskID(s.install, m.CaseNumber, m.DedupKey, out.Part)
	numbers := []string{m.CaseNumber}
	tc := card(m, task)
	if len(m.Digest) > 0 {
		task = taskID(s.install, "", m.DedupKey, out.Part)
		tc, numbers = digestCard(m, task), nil
		for _, d := range m.Digest {
			numbers = append(numbers, d.CaseNumber)
		}
	}
	now := s.clock.Now()
	keep := out.Part == PartCard
	// Kept before it is sent: a card that reached members but not our
	// records could never be closed.
	if keep {
		if err := s.cards.SaveCard(ctx, cases.ChatCard{Platform: bot.PlatformWeCom, TaskID: task, Digest: len(m.Digest) > 0, CreatedAt: now}, nonEmpty(numbers)); err != nil {
			return bot.SendResult{}, err
		}
	}
	to.MsgType, to.TemplateCard = MsgTemplateCard, &tc
	res, err := s.client.SendMessage(ctx, to)
	var ae *tencent.APIError
	if errors.As(err, &ae) && ae.Code == codeTaskIDUsed {
		if out.MayHaveArrived {
			// An earlier attempt of this message went through under this
			// task id; only its answer or its record was lost.
			return bot.SendResult{MessageID: "task:" + task, Method: "app"}, nil
		}
		return bot.SendResult{}, bot.Permanentf("wecom task_id %s was used, not by an earlier attempt of this message: %w", task, err)
	}
	if err != nil {
		return bot.SendResult{}, classify(err)
	}
	s.warnInvalid(res, out)
	if !keep {
		return bot.SendResult{MessageID: "task:" + task, Method: "app"}, nil
	}
	if err := s.cards.SetCardCode(ctx, bot.PlatformWeCom, task, res.ResponseCode, now); err != nil {
		s.log.Warn("keep the card's update code", zap.String("task_id", task), zap.Error(err))
	}
	return bot.SendResult{MessageID: "task:" + task, Method: "app"}, nil
}

// update replaces the buttons of every copy of the case's cards with the
// message's title ("已由 张三 接单"). Digest cards list other cases too and
// are left as they are; a press on a case already taken is answered then.
func (s *Sender) update(ctx context.Context, m bot.Message) (bot.SendResult, error) {
	if m.CaseNumber == "" {
		return bot.SendResult{}, bot.Permanentf("wecom card update without a case: %w", bot.ErrBadAddress)
	}
	cards, err := s.cards.OpenCards(ctx, bot.PlatformWeCom, m.CaseNumber)
	if err != nil {
		return bot.SendResult{}, err
	}
	now := s.clock.Now()
	updated := 0
	for _, c := range cards {
		if c.Digest {
			if err := s.cards.CloseCard(ctx, bot.PlatformWeCom, c.TaskID, m.CaseNumber, now); err != nil {
				return bot.SendResult{}, err
			}
			continue
		}
		code, err := s.cards.TakeCardCode(ctx, bot.PlatformWeCom, c.TaskID, now.Add(-codeValidity))
		if errors.Is(err, cases.ErrNotFound) {
			s.log.Info("card has no usable update code; left as it is", zap.String("task_id", c.TaskID), zap.String("case", m.CaseNumber))
		} else if err != nil {
			return bot.SendResult{}, err
		} else if err := s.client.UpdateTemplateCard(ctx, UpdateCard{AtAll: 1, ResponseCode: code, Button: &UpdateButton{ReplaceName: cardCut(m.Title, buttonRunes)}}); err != nil {
			var ae *tencent.APIError
			if !errors.As(err, &ae) {
				// Not answered: the code may be unused, keep it for the retry.
				_ = s.cards.SetCardCode(ctx, bot.PlatformWeCom, c.TaskID, code, c.CodeAt)
				return bot.SendResult{}, classify(err)
			}
			s.log.Warn("card not updated", zap.String("task_id", c.TaskID), zap.Error(err))
		} else {
			updated++
		}
		if err := s.cards.CloseCard(ctx, bot.PlatformWeCom, c.TaskID, "", now); err != nil {
			return bot.SendResult{}, err
		}
	}
	return bot.SendResult{MessageID: "updated:" + strconv.Itoa(updated), Method: "update"}, nil
}

func (s *Sender) warnInvalid(res SendResponse, out bot.Outbound) {
	if res.InvalidUser != "" || res.InvalidParty != "" || res.InvalidTag != "" {
		s.log.Warn("some receivers are unknown to WeCom", zap.String("to", out.Address.Label),
			zap.String("invalid_user", res.InvalidUser), zap.String("invalid_party", res.InvalidParty), zap.String("invalid_tag", res.InvalidTag))
	}
}

// localize points the message's links at the case page members open in
// WeCom, which knows them through OAuth.
func (s *Sender) localize(m bot.Message) bot.Message {
	if s.page == nil {
		return m
	}
	if m.CaseNumber != "" && m.Link != "" {
		page := s.page(m.CaseNumber)
		actions := make([]bot.Button, len(m.Actions))
		for i, b := range m.Actions {
			if b.URL != "" && strings.HasPrefix(b.URL, m.Link) {
				b.URL = page + strings.TrimPrefix(b.URL, m.Link)
			}
			actions[i] = b
		}
		m.Link, m.Actions = page, actions
	}
	if len(m.Digest) > 0 {
		digest := make([]bot.Message, len(m.Digest))
		for i, d := range m.Digest {
			digest[i] = s.localize(d)
		}
		m.Digest = digest
	}
	return m
}

// fingerprint names a secret in keys and logs without revealing it.
func fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:6])
}

func nonEmpty(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
