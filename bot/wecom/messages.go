package wecom

// Wire types of the messages jiesu sends (docs 90236, 91770). AgentID is an
// integer, as the docs type it; silenceper/wechat's SendRequestCommon sends
// a string.

// AppMessage is message/send's request.
type AppMessage struct {
	ToUser       string        `json:"touser,omitempty"`
	ToParty      string        `json:"toparty,omitempty"`
	ToTag        string        `json:"totag,omitempty"`
	MsgType      string        `json:"msgtype"`
	AgentID      int64         `json:"agentid"`
	Text         *Text         `json:"text,omitempty"`
	Markdown     *Markdown     `json:"markdown,omitempty"`
	TemplateCard *TemplateCard `json:"template_card,omitempty"`
	// EnableDuplicateCheck drops a repeat of the same content to the same
	// receivers within DuplicateCheckInterval seconds: a retry that went
	// through before is not shown twice.
	EnableDuplicateCheck   int `json:"enable_duplicate_check,omitempty"`
	DuplicateCheckInterval int `json:"duplicate_check_interval,omitempty"`
}

// RobotMessage is webhook/send's request.
type RobotMessage struct {
	MsgType  string    `json:"msgtype"`
	Text     *Text     `json:"text,omitempty"`
	Markdown *Markdown `json:"markdown,omitempty"`
}

// Message types.
const (
	MsgText         = "text"
	MsgMarkdown     = "markdown"
	MsgTemplateCard = "template_card"
)

// Text is a text message body.
type Text struct {
	Content string `json:"content"`
}

// Markdown is a markdown message body.
type Markdown struct {
	Content string `json:"content"`
}

// Card types.
const (
	CardButtonInteraction = "button_interaction"
	CardTextNotice        = "text_notice"
)

// TemplateCard is a template card (doc 90236, 模板卡片消息).
type TemplateCard struct {
	CardType              string              `json:"card_type"`
	MainTitle             CardTitle           `json:"main_title"`
	SubTitleText          string              `json:"sub_title_text,omitempty"`
	HorizontalContentList []HorizontalContent `json:"horizontal_content_list,omitempty"`
	CardAction            *CardAction         `json:"card_action,omitempty"`
	TaskID                string              `json:"task_id,omitempty"`
	ButtonSelection       *ButtonSelection    `json:"button_selection,omitempty"`
	ButtonList            []CardButton        `json:"button_list,omitempty"`
}

// CardTitle is a card's main title.
type CardTitle struct {
	Title string `json:"title,omitempty"`
	Desc  string `json:"desc,omitempty"`
}

// HorizontalContent is one key–value row; Type 1 makes it a link.
type HorizontalContent struct {
	Type    int    `json:"type,omitempty"`
	KeyName string `json:"keyname"`
	Value   string `json:"value,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Row types of HorizontalContent.
const rowLink = 1

// CardAction is what tapping the card opens; Type 1 is a URL.
type CardAction struct {
	Type int    `json:"type"`
	URL  string `json:"url,omitempty"`
}

// ButtonSelection is a drop-down whose choice comes back with the press.
type ButtonSelection struct {
	QuestionKey string         `json:"question_key"`
	Title       string         `json:"title,omitempty"`
	OptionList  []SelectOption `json:"option_list"`
	SelectedID  string         `json:"selected_id,omitempty"`
}

// SelectOption is one choice of a ButtonSelection.
type SelectOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// CardButton is a callback button: a press sends Key back as EventKey.
type CardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style,omitempty"`
	Key   string `json:"key"`
}

// Limits of the card, as doc 90236 gives them and the fake enforces.
const (
	MaxButtons          = 6
	MaxHorizontal       = 6
	MaxOptions          = 10
	MaxTaskIDLen        = 128
	MaxAppTextBytes     = 2048
	MaxAppMarkdownBytes = 2048
	MaxRobotMarkdown    = 4096
	MaxRobotText        = 2048
)
