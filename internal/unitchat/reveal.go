package unitchat

import (
	"fmt"
	"maps"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/secret"
	"github.com/jiesu/jiesu/internal/service"
)

// Revealer renders messages for the outbox: every message shows the case's
// text masked (service.Masked), but the private message to the member who
// accepted, which shows the text in full and opens the complainant's sealed
// name and contact. That reveal is in the timeline (the accept wrote it);
// the contact is never written to the outbox in the clear and exists only
// in the message as it is sent.
type Revealer struct {
	Next Renderer
	Keys service.Opener
	Mask secret.TextMask // the configured rule (security.student_number)
}

// Render implements the outbox's Renderer.
func (r Revealer) Render(name cases.Template, d render.Data) (bot.Message, error) {
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
		return r.Next.Render(name, d)
	}
	mask, err := service.MaskText(r.Keys, r.Mask, c)
	if err != nil {
		return bot.Message{}, err
	}
	d.Case = service.MaskCase(mask, c)
	if !toComplainant[name] {
		// The transition's own texts (a reason, a result, a report) quote
		// the complainant as often as the case does.
		d.Extra = maps.Clone(d.Extra)
		for k, v := range d.Extra {
			if service.FreeText(k) {
				d.Extra[k] = mask(v)
			}
		}
	}
	return r.Next.Render(name, d)
}

// toComplainant are the messages to the complainant, whose own words and
// the result meant for them go as written.
var toComplainant = map[cases.Template]bool{cases.TemplateCaseResult: true, cases.TemplateCaseSurvey: true}
