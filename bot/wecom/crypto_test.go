package wecom

import (
	"errors"
	"testing"
)

// The official WeCom vectors (doc 91144 / 90968; sbzhu/weworkapi_golang
// sample.go), as ../shared/protocols/wechat.md §6 quotes them.
const (
	vecToken  = "QDG6eK"
	vecCorpID = "wx5823bf96d3bd56c7"
	vecAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	vecVerifySig   = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	vecVerifyTS    = "1409659589"
	vecVerifyNonce = "263014780"
	vecEchoStr     = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	vecEchoPlain   = "1616140317555161061"
	vecEchoRandom  = "c41b64491c2468d0"

	vecMsgSig    = "477715d11cdb4164915debcba66cb864d751f3e6"
	vecMsgTS     = "1409659813"
	vecMsgNonce  = "1372623149"
	vecMsgRandom = "0960688932c47ef1"
	vecMsgCipher = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	vecMsgPlain  = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)

func vectorCrypto(t *testing.T) *Crypto {
	t.Helper()
	c, err := NewCrypto(vecToken, vecCorpID, vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOfficialVectorURLVerification(t *testing.T) {
	t.Parallel()
	c := vectorCrypto(t)
	plain, err := c.Open(vecVerifySig, vecVerifyTS, vecVerifyNonce, vecEchoStr)
	if err != nil || string(plain) != vecEchoPlain {
		t.Fatalf("Open(echostr) = %q, %v; want %q", plain, err, vecEchoPlain)
	}
	// Re-encrypting with the vector's random gives the echostr back.
	enc, sig, err := c.Seal([]byte(vecEchoRandom), plain, vecVerifyTS, vecVerifyNonce)
	if err != nil || enc != vecEchoStr || sig != vecVerifySig {
		t.Fatalf("Seal = %q %q, %v", enc, sig, err)
	}
}

func TestOfficialVectorDecrypt(t *testing.T) {
	t.Parallel()
	c := vectorCrypto(t)
	if got := c.Sign(vecMsgTS, vecMsgNonce, vecMsgCipher); got != vecMsgSig {
		t.Fatalf("signature = %s, want %s", got, vecMsgSig)
	}
	plain, err := c.Open(vecMsgSig, vecMsgTS, vecMsgNonce, vecMsgCipher)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != vecMsgPlain {
		t.Fatalf("plaintext differs:\n got %q\nwant %q", plain, vecMsgPlain)
	}
	msg, err := parseMessage(plain)
	if err != nil || msg.FromUserName != "mycreate" || msg.Content != "hello" || msg.MsgID != "4561255354251345929" || msg.AgentID != "218" {
		t.Fatalf("parsed = %+v, %v", msg, err)
	}
}

func TestOfficialVectorEncryptByteForByte(t *testing.T) {
	t.Parallel()
	c := vectorCrypto(t)
	enc, sig, err := c.Seal([]byte(vecMsgRandom), []byte(vecMsgPlain), vecMsgTS, vecMsgNonce)
	if err != nil {
		t.Fatal(err)
	}
	if enc != vecMsgCipher {
		t.Fatalf("ciphertext differs:\n got %s\nwant %s", enc, vecMsgCipher)
	}
	if sig != vecMsgSig {
		t.Fatalf("signature = %s, want %s", sig, vecMsgSig)
	}
}

func TestOpenRefusesForgeries(t *testing.T) {
	t.Parallel()
	c := vectorCrypto(t)
	if _, err := c.Open("0000000000000000000000000000000000000000", vecMsgTS, vecMsgNonce, vecMsgCipher); !errors.Is(err, ErrBadSignature) {
		t.Errorf("bad signature: %v", err)
	}
	// Tampered ciphertext, re-signed as an attacker who knows the token
	// but not the key would: decryption fails.
	b := []byte(vecMsgCipher)
	b[40] ^= 'A' ^ 'B'
	tampered := string(b)
	if _, err := c.Open(c.Sign(vecMsgTS, vecMsgNonce, tampered), vecMsgTS, vecMsgNonce, tampered); err == nil {
		t.Error("tampered ciphertext opened")
	}
	// A message encrypted for another corp with the same key.
	other, err := NewCrypto(vecToken, "wwOtherCorp", vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	enc, sig, _ := other.Seal(nil, []byte(vecMsgPlain), vecMsgTS, vecMsgNonce)
	if _, err := c.Open(sig, vecMsgTS, vecMsgNonce, enc); !errors.Is(err, ErrWrongCorp) {
		t.Errorf("another corp's message: %v", err)
	}
	if _, err := NewCrypto(vecToken, vecCorpID, "short"); err == nil {
		t.Error("a short EncodingAESKey was accepted")
	}
}
