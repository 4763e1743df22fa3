// Package survey runs the satisfaction follow-up (回访) after a case's
// result went back to its complainant: the signed link to the rating page
// and the page itself, and the sweep that closes cases left unrated. The
// survey message itself is queued by the case machine at feedback (with
// survey.delay) and delivered by the outbox; the hotline's phone list of
// unrated cases is service.FollowUps.
package survey

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jiesu/jiesu/internal/secret"
)

// ErrBadLink is a survey link that jiesu did not sign, or that was altered.
var ErrBadLink = errors.New("bad survey link")

// linkPrefix marks what a link token seals, so that no other sealed value
// (a complainant's name) passes for a survey token.
const linkPrefix = "survey/"

// PagePath is where the survey page is served; the token follows.
const PagePath = "/survey/"

// Links signs and checks survey links. A token is the case number sealed
// with the complainant-data keys (AES-GCM): it cannot be forged or altered,
// it survives a key rotation like every sealed value, and it tells nobody
// which case it is for.
type Links struct {
	keys    *secret.Keyring
	baseURL string
}

// NewLinks returns the signer of links under baseURL (server.base_url).
func NewLinks(keys *secret.Keyring, baseURL string) *Links {
	return &Links{keys: keys, baseURL: strings.TrimRight(baseURL, "/")}
}

// Link returns the survey page of a case, or "" if it cannot seal (which
// leaves a message with the digits only).
func (l *Links) Link(caseNumber string) string {
	tok, err := l.keys.Seal(linkPrefix + caseNumber)
	if err != nil {
		return ""
	}
	return l.baseURL + PagePath + url.PathEscape(tok)
}

// Verify returns the case number a token was made for.
func (l *Links) Verify(token string) (string, error) {
	plain, err := l.keys.Open(token)
	if err != nil || !strings.HasPrefix(plain, linkPrefix) || len(plain) == len(linkPrefix) {
		return "", fmt.Errorf("%w", ErrBadLink)
	}
	return strings.TrimPrefix(plain, linkPrefix), nil
}
