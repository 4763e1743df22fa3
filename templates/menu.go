package templates

import _ "embed"

// WeChatMenu is the Official Account's menu that `jiesu wechat menu sync`
// creates: WeChat's button list, whose click keys are those the student
// conversation answers (studentchat.MenuKeys).
//
//go:embed wechat_menu.json
var WeChatMenu []byte
