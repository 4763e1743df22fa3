package secret_test

import (
	"fmt"
	"strings"

	"github.com/jiesu/jiesu/internal/secret"
)

func ExampleKeyring_Seal() {
	// 32 zero bytes, base64: only for the example.
	k, err := secret.ParseKeyring("k2026:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	if err != nil {
		panic(err)
	}
	sealed, err := k.Seal("13812345678")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(sealed, "v1.k2026."))
	plain, err := k.Open(sealed)
	fmt.Println(plain, err)
	// Output:
	// true
	// 13812345678 <nil>
}

func ExampleMaskName() {
	fmt.Println(secret.MaskName("张三"), secret.MaskName("欧阳娜娜"), secret.MaskName("Alice"))
	fmt.Println(secret.MaskPhone("13812345678"), secret.MaskPhone("010-80791234"))
	// Output:
	// 张* 欧*** A*
	// 138****5678 010-****1234
}
