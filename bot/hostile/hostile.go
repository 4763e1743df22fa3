// Package hostile holds the inputs that the escaping tests of every output
// format run: text a complainant or a unit may type to break out of a
// message. It imports nothing, so any package's tests can use it.
package hostile

import "strings"

// Texts are what a complainant or a unit may type to break out of
// the text of a message: markup of every format jiesu sends, mentions,
// control and invisible characters, a letter far past every limit, and
// numbers written with dashes and spaces, which must survive readable.
// The escaping tests of every output format run them all.
var Texts = map[string]string{
	"markdown link":  "[文字](http://evil.example)",
	"markdown image": "![图](http://evil.example/a.png)",
	"heading":        "# 标题\n## 二级标题",
	"font":           `<font color="warning">紧急</font>`,
	"mentions":       "<@zhangsan> @all 请处理",
	"quote":          "> 引用\n>> 二级引用",
	"code":           "```\n代码\n``` 和 `行内`",
	"emphasis":       "**加粗** __下划__ ~~删除~~ | 表格 |",
	"anchor":         `<a href="http://evil.example">点此领取</a>`,
	"script":         `<script>alert("x")</script><img src=x onerror=alert(1)>`,
	"bare address":   "详见 https://evil.example/x 或 www.evil.example",
	"entities":       "&lt;a href=http://evil.example&gt;点此&lt;/a&gt;",
	"fake field":     "东门\n联系电话：13800000000\n办结时限：2099-01-01 00:00",
	"controls":       "停\x00水\x07了\u202E反向\u200B零宽\r\n下一行",
	"link markers":   "\uE000http://evil.example\uE001",
	"numbers":        "电话 138-1234-5678，138 1234 5678，座机 010-6278 1234",
	"very long":      strings.Repeat("宿舍楼停水很久了，", 1200),
}

// EvilHost is the address every hostile text points to; no output may
// hold it as an address.
const EvilHost = "evil.example"
