package secret

import (
	"strings"
)

// The digits a phone number may have once normalised: a 7-digit local
// number at least, the 15 of E.164 at most.
const (
	minPhoneDigits = 7
	maxPhoneDigits = 15
)

// indexFormat prefixes every phone index, as formatV1 does sealed values.
const indexFormat = "p1"

// NormalPhone reduces a phone number as people write or say it to its
// digits: full-width digits folded, separators dropped, +86 and 0086
// stripped (and 86 before a mobile's 11 digits). It reports false for text
// that is not a phone number, so that a case list search for words never
// becomes a phone lookup.
func NormalPhone(s string) (string, bool) {
	if m, ok := ValidMobile(s); ok {
		return m, true
	}
	n := strings.TrimSpace(strings.Map(halfWidth, s))
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	}
	digits, ok := phoneDigits(n)
	if !ok || len(digits) < minPhoneDigits || len(digits) > maxPhoneDigits {
		return "", false
	}
	return digits, true
}

// PhoneIndex is the blind index of a phone number under the active key:
// "p1.<key id>.<base64url HMAC-SHA256 of its normal form>". Stored beside
// the sealed phone it finds the cases of one caller, without the phone
// being readable from it. "" when phone is not a phone number.
func (k *Keyring) PhoneIndex(phone string) string {
	if k == nil || k.active == "" {
		return ""
	}
	n, ok := NormalPhone(phone)
	if !ok {
		return ""
	}
	return k.phoneIndex(k.active, n)
}

// PhoneIndexes are the blind indexes of phone under every key of the
// keyring: during a rotation, cases not yet resealed carry an old key's.
func (k *Keyring) PhoneIndexes(phone string) []string {
	n, ok := NormalPhone(phone)
	if k == nil || !ok {
		return nil
	}
	out := make([]string, 0, len(k.ids))
	for _, id := range k.ids {
		out = append(out, k.phoneIndex(id, n))
	}
	return out
}

// IndexPrefix begins every index PhoneIndex makes now.
func (k *Keyring) IndexPrefix() string { return indexFormat + "." + k.active + "." }

func (k *Keyring) phoneIndex(id, normal string) string {
	return indexFormat + "." + id + "." + payloadEncoding.EncodeToString(mac(k.derived[id].index, normal))
}
