// Package tencent is what WeChat's Official Account (bot/wechat) and WeCom
// (bot/wecom) have in common, because both are Tencent APIs with the same
// rules: an access token fetched with an app id and secret and renewed when
// an answer says 40001, 40014, 41001 or 42001; JSON answers that carry
// errcode and errmsg; and callbacks under WXBizMsgCrypt (a SHA-1 signature
// over the token, timestamp, nonce and ciphertext, and AES-256-CBC of
// random ‖ length ‖ message ‖ receiver id).
//
// It builds on github.com/silenceper/wechat/v2's util (Signature,
// EncryptMsg, DecryptMsg, AESDecryptMsg) and message (the encrypted
// envelopes) rather than writing the crypto again; what is ours is
// refusing anything that does not verify, in constant time, with
// sentinels. The library's own API clients are not used: they hard-code
// the hosts and send through a global http.Client without a timeout.
//
// What each platform keeps: its endpoints and their payloads, its own
// error codes and what they mean to a sender (retry, back off, fix the
// request, tell the operator), its token's cache key, and the HTTP side of
// its callback (statuses, dedup, replies), which the two platforms answer
// differently.
//
// The seam for DingTalk: the token cache with its fetch lock is not
// Tencent's and lives in bot/accesstoken, which takes a fetch function;
// DingTalk signs its callbacks with HMAC-SHA256 over timestamp and secret
// and answers with other fields, so it gets a package of its own beside
// this one, not a branch in it.
package tencent
