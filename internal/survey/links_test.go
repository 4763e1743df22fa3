package survey

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/secret"
)

func keyring(t *testing.T, spec string) *secret.Keyring {
	t.Helper()
	k, err := secret.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLinksAreSignedAndOpaque(t *testing.T) {
	t.Parallel()
	k := keyring(t, "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	l := NewLinks(k, "https://jiesu.example.edu.cn/")
	link := l.Link("JS20261128-0042")
	if !strings.HasPrefix(link, "https://jiesu.example.edu.cn/survey/") || strings.Contains(link, "JS20261128") {
		t.Fatalf("link = %s", link)
	}
	tok, _ := url.PathUnescape(strings.TrimPrefix(link, "https://jiesu.example.edu.cn/survey/"))
	if n, err := l.Verify(tok); err != nil || n != "JS20261128-0042" {
		t.Fatalf("verify = %q, %v", n, err)
	}
	// Altered, forged, another key's, or a sealed value of another kind.
	other := NewLinks(keyring(t, "b:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="), "https://x")
	name, _ := k.Seal("张三")
	for what, bad := range map[string]string{
		"altered":   altered(tok),
		"forged":    "v1.a.AAAA",
		"empty":     "",
		"other key": strings.TrimPrefix(other.Link("JS20261128-0042"), "https://x/survey/"),
		"a name":    name,
	} {
		if _, err := l.Verify(bad); !errors.Is(err, ErrBadLink) {
			t.Errorf("%s: err = %v", what, err)
		}
	}
}

// altered changes one character well inside the token: the last ones of
// unpadded base64 may carry unused bits, so changing those can leave the
// decoded bytes as they were.
func altered(tok string) string {
	i := len(tok) - 8
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}
