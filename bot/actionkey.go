package bot

import "strings"

// actionKeySep joins an action and a case number in a button key. "@" is in
// the character set WeCom allows for keys and task ids ([0-9a-zA-Z_-@]) and
// occurs in neither action names nor case numbers.
const actionKeySep = "@"

// ActionKey is the key a platform puts on a callback button so that the
// press comes back as the action on the case: "accept@JS20261128-0042".
// Every platform uses the same form, so a key is readable in any log.
func ActionKey(name ActionName, caseNumber string) string {
	if caseNumber == "" {
		return string(name)
	}
	return string(name) + actionKeySep + caseNumber
}

// ParseActionKey reverses ActionKey. ok is false for an empty key.
func ParseActionKey(key string) (name ActionName, caseNumber string, ok bool) {
	n, number, _ := strings.Cut(key, actionKeySep)
	if n == "" {
		return "", "", false
	}
	return ActionName(n), number, true
}
