package wecom

import (
	"encoding/xml"
	"fmt"
	"strconv"
)

// message is a decrypted callback: a member's message to the app or an
// event (doc 90240, 90376 for template_card_event).
type message struct {
	XMLName       xml.Name `xml:"xml"`
	ToUserName    string   `xml:"ToUserName"` // the corp id
	FromUserName  string   `xml:"FromUserName"`
	CreateTime    int64    `xml:"CreateTime"`
	MsgType       string   `xml:"MsgType"`
	Content       string   `xml:"Content"`
	MsgID         string   `xml:"MsgId"`
	AgentID       string   `xml:"AgentID"`
	Event         string   `xml:"Event"`
	EventKey      string   `xml:"EventKey"`
	TaskID        string   `xml:"TaskId"`
	CardType      string   `xml:"CardType"`
	ResponseCode  string   `xml:"ResponseCode"`
	SelectedItems []struct {
		QuestionKey string   `xml:"QuestionKey"`
		OptionIDs   []string `xml:"OptionIds>OptionId"`
	} `xml:"SelectedItems>SelectedItem"`
}

// Message and event names jiesu reads.
const (
	msgTypeText       = "text"
	msgTypeEvent      = "event"
	eventCardPress    = "template_card_event"
	eventCardMenu     = "template_card_menu_event"
	replyUpdateButton = "update_button"
)

func parseMessage(b []byte) (message, error) {
	var m message
	if err := xml.Unmarshal(b, &m); err != nil {
		return message{}, fmt.Errorf("wecom: parse callback: %w", err)
	}
	return m, nil
}

// selected returns the first option picked in a card's selection.
func (m message) selected() string {
	for _, it := range m.SelectedItems {
		for _, id := range it.OptionIDs {
			if id != "" {
				return id
			}
		}
	}
	return ""
}

// dedupKey identifies one callback across WeCom's retries: the MsgId of a
// message, else sender, time and what was pressed and picked (doc 90238).
func (m message) dedupKey() string {
	if m.MsgID != "" {
		return "msg:" + m.MsgID
	}
	return "ev:" + m.FromUserName + ":" + strconv.FormatInt(m.CreateTime, 10) + ":" + m.Event + ":" + m.TaskID + ":" + m.EventKey + ":" + m.selected()
}

type cdata struct {
	Value string `xml:",cdata"`
}

// replyButton is the passive reply that changes the pressing member's card
// button (doc 90241, update_button).
type replyButton struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	ReplaceName  cdata    `xml:"Button>ReplaceName"`
}

// replyText is the passive text reply to a member's message.
type replyText struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}
