package wechat

import (
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/jiesu/jiesu/bot"
)

// inbound turns a decoded message into the neutral form. Types jiesu does
// not handle keep their WeChat name as the kind, for the handler to
// answer with help.
func inbound(m *message.MixMessage) bot.Inbound {
	from := string(m.FromUserName)
	in := bot.Inbound{
		Platform: bot.PlatformWeChat,
		From:     bot.Person{Platform: bot.PlatformWeChat, ID: from},
		At:       time.Unix(m.CreateTime, 0),
		Kind:     bot.InboundKind(m.MsgType),
	}
	// WeChat's own dedup keys: MsgId for messages, FromUserName+CreateTime
	// for events (which have no MsgId).
	if m.MsgType != message.MsgTypeEvent && m.MsgID != 0 {
		in.MsgID = strconv.FormatInt(m.MsgID, 10)
	} else {
		in.MsgID = string(m.MsgType) + ":" + from + ":" + strconv.FormatInt(m.CreateTime, 10)
	}
	switch m.MsgType {
	case message.MsgTypeText:
		in.Kind, in.Text = bot.KindText, m.Content
	case message.MsgTypeImage:
		in.Kind = bot.KindImage
		in.Media = &bot.Media{ID: m.MediaID, URL: m.PicURL, Type: "image"}
	case message.MsgTypeVoice:
		in.Kind, in.Text = bot.KindVoice, m.Recognition
		in.Media = &bot.Media{ID: m.MediaID, Type: "voice"}
	case message.MsgTypeLocation:
		in.Kind = bot.KindLocation
		in.Location = &bot.Location{Lat: m.LocationX, Lng: m.LocationY, Label: m.Label}
	case message.MsgTypeEvent:
		in.Kind = bot.KindEvent
		in.Event = bot.Event{Name: string(m.Event), Key: m.EventKey}
	}
	return in
}
