// Package wecom is WeCom (企业微信), the platform units work in, behind the
// bot seam: the self-built app's callback (URL check, msg_signature, AES,
// through bot/tencent), the sender that splits a unit's card
// into a group notice through the robot and a button_interaction card
// through the app and keeps each under WeCom's rate limits, card updates
// once a case is taken, the address book that places members in units, and
// the OAuth sign-in of the case page.
//
// It calls WeCom's HTTP API through the Tencent client it shares with the
// Official Account (bot/tencent: the access token, errcodes and
// WXBizMsgCrypt) rather than silenceper/wechat's work package: that one
// hard-codes the host, sends through a global http.Client without a
// timeout, refreshes no token on 40014, and its robot returns a nil error
// on errcode≠0. Only this package knows WeCom's wire format; above it are
// bot.Outbound and bot.Inbound.
package wecom
