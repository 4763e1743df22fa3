package wechat

import "github.com/jiesu/jiesu/bot"

// oaText is the escaper of the Official Account's text: customer-service
// messages and passive replies open <a href> (see bot.Escaper). Subscribe
// and template message fields are shown as plain values and need none.
var oaText = bot.AnchorText
