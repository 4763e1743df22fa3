// Package tencenttest holds the official WXBizMsgCrypt test vectors, for
// the tests of bot/tencent and of the callbacks built on it.
package tencenttest

// WeCom's vectors (doc 91144 / 90968; sbzhu/weworkapi_golang sample.go),
// as ../shared/protocols/wechat.md §6 quotes them.
const (
	WeComToken  = "QDG6eK"
	WeComCorpID = "wx5823bf96d3bd56c7"
	WeComAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	// The URL verification (GET).
	WeComVerifySig   = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	WeComVerifyTS    = "1409659589"
	WeComVerifyNonce = "263014780"
	WeComEchoStr     = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	WeComEchoPlain   = "1616140317555161061"
	WeComEchoRandom  = "c41b64491c2468d0"

	// A message (POST).
	WeComMsgSig    = "477715d11cdb4164915debcba66cb864d751f3e6"
	WeComMsgTS     = "1409659813"
	WeComMsgNonce  = "1372623149"
	WeComMsgRandom = "0960688932c47ef1"
	WeComMsgCipher = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	WeComMsgPlain  = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)

// The Official Account's vectors (the official WXBizMsgCrypt sample, its
// Python, PHP and Node copies), as ../shared/protocols/wechat.md §6
// quotes them.
const (
	OAToken  = "spamtest"
	OAAppID  = "wx2c2769f8efd9abc2"
	OAAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	OATS     = "1409735669"
	OANonce  = "1320562132"
	// OASignature is the URL's signature over token, timestamp and nonce.
	OASignature = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
	OAMsgSig    = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
	OARandom    = "89465c840c5f116f"
	OACipher    = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	OAPlain     = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
)
