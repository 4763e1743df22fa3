package unitchat

import (
	"fmt"
	"maps"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/render"
)

// Opener decrypts what the service sealed; *secret.Keyring is one.
type Opener interface {
	Open(sealed string) (string, error)
}

// Revealer renders messages for the outbox, opening the complainant's
// sealed name and contact for the one message that shows them: the private
// message to the member who accepted. The contact is never written to the
// outbox in the clear; it exists only in the message as it is sent. Every
// other template renders as it would without it.
type Revealer struct {
	Next Renderer
	Keys Opener
}

// Render implements the outbox's Renderer.
func (r Revealer) Render(name string, d render.Data) (bot.Message, error) {
	c := d.Case
	// Only the first handler, only while they are: a case returned and
	// taken by someone else meanwhile shows them nothing.
	if name == TemplateAccepted && c.FirstHandler != "" && d.Extra["member"] == c.FirstHandler && !c.Confidential {
		who, err := r.Keys.Open(c.Complainant.NameSealed)
		if err != nil {
			return bot.Message{}, fmt.Errorf("open name of %s: %w", c.Number, err)
		}
		contact, err := r.Keys.Open(c.Complainant.ContactSealed)
		if err != nil {
			return bot.Message{}, fmt.Errorf("open contact of %s: %w", c.Number, err)
		}
		d.Extra = maps.Clone(d.Extra)
		d.Extra["complainant_name"], d.Extra["complainant_contact"] = who, contact
	}
	return r.Next.Render(name, d)
}
