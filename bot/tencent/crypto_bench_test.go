package tencent_test

import (
	"testing"

	"github.com/jiesu/jiesu/bot/tencent"
	v "github.com/jiesu/jiesu/bot/tencent/tencenttest"
)

// BenchmarkOpenAndReply is the crypto of one safe-mode callback: verify and
// open the official vector's message, seal a reply of the same size.
func BenchmarkOpenAndReply(b *testing.B) {
	c, err := tencent.NewCrypto(v.OAToken, v.OAAppID, v.OAAESKey)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		random, plain, err := c.Open(v.OAMsgSig, v.OATS, v.OANonce, v.OACipher)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Reply(random, plain, v.OATS, v.OANonce); err != nil {
			b.Fatal(err)
		}
	}
}
