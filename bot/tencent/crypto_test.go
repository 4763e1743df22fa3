package tencent_test

import (
	"encoding/xml"
	"errors"
	"testing"

	"github.com/jiesu/jiesu/bot/tencent"
	v "github.com/jiesu/jiesu/bot/tencent/tencenttest"
)

func weComCrypto(t *testing.T) *tencent.Crypto {
	t.Helper()
	c, err := tencent.NewCrypto(v.WeComToken, v.WeComCorpID, v.WeComAESKey)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOfficialVectorURLVerification(t *testing.T) {
	t.Parallel()
	c := weComCrypto(t)
	_, plain, err := c.Open(v.WeComVerifySig, v.WeComVerifyTS, v.WeComVerifyNonce, v.WeComEchoStr)
	if err != nil || string(plain) != v.WeComEchoPlain {
		t.Fatalf("Open(echostr) = %q, %v; want %q", plain, err, v.WeComEchoPlain)
	}
	// Re-encrypting with the vector's random gives the echostr back.
	enc, sig, err := c.Seal([]byte(v.WeComEchoRandom), plain, v.WeComVerifyTS, v.WeComVerifyNonce)
	if err != nil || enc != v.WeComEchoStr || sig != v.WeComVerifySig {
		t.Fatalf("Seal = %q %q, %v", enc, sig, err)
	}
}

func TestOfficialVectorDecrypt(t *testing.T) {
	t.Parallel()
	c := weComCrypto(t)
	if got := c.Sign(v.WeComMsgTS, v.WeComMsgNonce, v.WeComMsgCipher); got != v.WeComMsgSig {
		t.Fatalf("signature = %s, want %s", got, v.WeComMsgSig)
	}
	random, plain, err := c.Open(v.WeComMsgSig, v.WeComMsgTS, v.WeComMsgNonce, v.WeComMsgCipher)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != v.WeComMsgPlain {
		t.Fatalf("plaintext differs:\n got %q\nwant %q", plain, v.WeComMsgPlain)
	}
	if string(random) != v.WeComMsgRandom {
		t.Errorf("random = %q, want %q", random, v.WeComMsgRandom)
	}
}

func TestOfficialVectorEncryptByteForByte(t *testing.T) {
	t.Parallel()
	c := weComCrypto(t)
	enc, sig, err := c.Seal([]byte(v.WeComMsgRandom), []byte(v.WeComMsgPlain), v.WeComMsgTS, v.WeComMsgNonce)
	if err != nil {
		t.Fatal(err)
	}
	if enc != v.WeComMsgCipher {
		t.Fatalf("ciphertext differs:\n got %s\nwant %s", enc, v.WeComMsgCipher)
	}
	if sig != v.WeComMsgSig {
		t.Fatalf("signature = %s, want %s", sig, v.WeComMsgSig)
	}
}

// The Official Account's safe mode is the same WXBizMsgCrypt, with the
// app id where WeCom has the corp id; its URL carries the plain signature
// over token, timestamp and nonce besides.
func TestOfficialAccountVectors(t *testing.T) {
	t.Parallel()
	c, err := tencent.NewCrypto(v.OAToken, v.OAAppID, v.OAAESKey)
	if err != nil {
		t.Fatal(err)
	}
	if got := tencent.Signature(v.OAToken, v.OATS, v.OANonce); got != v.OASignature {
		t.Errorf("URL signature = %s, want %s", got, v.OASignature)
	}
	if err := tencent.CheckSignature(v.OASignature, v.OAToken, v.OATS, v.OANonce); err != nil {
		t.Errorf("URL signature refused: %v", err)
	}
	if got := c.Sign(v.OATS, v.OANonce, v.OACipher); got != v.OAMsgSig {
		t.Errorf("msg_signature = %s, want %s", got, v.OAMsgSig)
	}
	random, plain, err := c.Open(v.OAMsgSig, v.OATS, v.OANonce, v.OACipher)
	if err != nil || string(plain) != v.OAPlain || string(random) != v.OARandom {
		t.Fatalf("Open = %q %q, %v", random, plain, err)
	}
	enc, sig, err := c.Seal(random, plain, v.OATS, v.OANonce)
	if err != nil || enc != v.OACipher || sig != v.OAMsgSig {
		t.Fatalf("Seal with the request's random = %s %s, %v", enc, sig, err)
	}
}

// A reply is sealed into the envelope of the official samples, which opens
// again under the same key.
func TestReplyEnvelope(t *testing.T) {
	t.Parallel()
	c, _ := tencent.NewCrypto(v.OAToken, v.OAAppID, v.OAAESKey)
	out, err := c.Reply([]byte(v.OARandom), []byte(v.OAPlain), v.OATS, v.OANonce)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	if err := xml.Unmarshal(out, &env); err != nil || env.TimeStamp != v.OATS || env.Nonce != v.OANonce {
		t.Fatalf("envelope %s: %+v, %v", out, env, err)
	}
	if enc, err := tencent.Encrypted(out); err != nil || enc != v.OACipher {
		t.Fatalf("Encrypted = %q, %v", enc, err)
	}
	if _, plain, err := c.Open(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt); err != nil || string(plain) != v.OAPlain {
		t.Fatalf("reply opens to %q, %v", plain, err)
	}
}

func TestOpenRefusesForgeries(t *testing.T) {
	t.Parallel()
	c := weComCrypto(t)
	if _, _, err := c.Open("0000000000000000000000000000000000000000", v.WeComMsgTS, v.WeComMsgNonce, v.WeComMsgCipher); !errors.Is(err, tencent.ErrBadSignature) {
		t.Errorf("bad signature: %v", err)
	}
	// Tampered ciphertext, re-signed as an attacker who knows the token
	// but not the key would: decryption fails.
	b := []byte(v.WeComMsgCipher)
	b[40] ^= 'A' ^ 'B'
	tampered := string(b)
	if _, _, err := c.Open(c.Sign(v.WeComMsgTS, v.WeComMsgNonce, tampered), v.WeComMsgTS, v.WeComMsgNonce, tampered); err == nil {
		t.Error("tampered ciphertext opened")
	}
	// A message encrypted for another corp with the same key.
	other, err := tencent.NewCrypto(v.WeComToken, "wwOtherCorp", v.WeComAESKey)
	if err != nil {
		t.Fatal(err)
	}
	enc, sig, _ := other.Seal(nil, []byte(v.WeComMsgPlain), v.WeComMsgTS, v.WeComMsgNonce)
	if _, _, err := c.Open(sig, v.WeComMsgTS, v.WeComMsgNonce, enc); !errors.Is(err, tencent.ErrWrongReceiver) || !errors.Is(err, tencent.ErrDecrypt) {
		t.Errorf("another corp's message: %v", err)
	}
	if _, err := tencent.NewCrypto(v.WeComToken, v.WeComCorpID, "short"); err == nil {
		t.Error("a short EncodingAESKey was accepted")
	}
	if _, err := tencent.NewCrypto(v.WeComToken, v.WeComCorpID, "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"); err == nil {
		t.Error("an EncodingAESKey that is not base64 was accepted")
	}
}
