package wecom

import "github.com/jiesu/jiesu/bot"

// Escapers of WeCom's formats (see bot.Escaper). WeCom documents no escape
// character for its markdown, so its markup characters become full-width
// look-alikes.
var (
	// markdownText is the markdown of app messages and group robots:
	// links [..](..), headings #, bold and lists *, code `, quotes >,
	// <font>, mentions <@userid> and @all, entities &..;, strikes ~, tables |.
	markdownText = bot.NewEscaper(
		"[", "［", "]", "］", "<", "＜", ">", "＞", "*", "＊", "`", "｀", "#", "＃",
		"@", "＠", "&", "＆", "_", "＿", "~", "～", "|", "｜", "\\", "＼",
	)
	// cardText is the text of a template card: shown as typed, but an
	// address or a tag in it must not turn into something to open.
	cardText = bot.NewEscaper("<", "＜", ">", "＞")
	// appText is app text messages and passive text replies, which open
	// <a href>.
	appText = bot.AnchorText
)
