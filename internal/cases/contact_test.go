package cases

import (
	"errors"
	"testing"
	"time"
)

// chatCase is a WeChat case whose student has not given a phone yet.
func chatCase(s State) Case {
	c := fixture(s)
	c.Channel = ChannelWeChatOA
	c.Complainant = Complainant{Identity: "oStudent", NoContact: true}
	return c
}

func TestBindContactGivesTheUnitAPhone(t *testing.T) {
	t.Parallel()
	c := chatCase(StateAccepted)
	out, err := BindContact(c, SystemActor(), "v1.k.sealed", "138****5678", "p1.k.index", t0)
	if err != nil {
		t.Fatal(err)
	}
	got := out.Case.Complainant
	if got.NoContact || got.ContactSealed != "v1.k.sealed" || got.ContactMasked != "138****5678" || got.ContactIndex != "p1.k.index" || got.Identity != "oStudent" {
		t.Errorf("complainant = %+v", got)
	}
	if out.Case.Version != c.Version+1 || out.Case.State != StateAccepted {
		t.Errorf("version %d state %s", out.Case.Version, out.Case.State)
	}
	if len(out.Events) != 1 || out.Events[0].Kind != string(ActionBindContact) || len(out.Events[0].Data) != 0 || out.Events[0].Note != "" {
		t.Errorf("events = %+v (the event must not carry the number)", out.Events)
	}
	if len(out.Messages) != 0 {
		t.Errorf("messages = %+v", out.Messages)
	}
	// Now the unit can call: contact is allowed.
	if _, err := Apply(out.Case, handler("logistics"), Command{Action: ActionContact}, t0, DefaultPolicy()); err != nil {
		t.Errorf("contact after binding: %v", err)
	}
}

func TestBindContactRefuses(t *testing.T) {
	t.Parallel()
	excluded := chatCase(StateDispatched)
	excluded.Exclusion = &Exclusion{Reason: ExcludeNoContact}
	withPhone := chatCase(StateDispatched)
	withPhone.Complainant.NoContact = false
	for name, tc := range map[string]struct {
		c     Case
		actor Actor
		want  error
	}{
		"closed case":         {chatCase(StateClosed), SystemActor(), ErrIllegalTransition},
		"withdrawn case":      {chatCase(StateWithdrawn), SystemActor(), ErrIllegalTransition},
		"already has a phone": {withPhone, SystemActor(), ErrIllegalTransition},
		"excluded no_contact": {excluded, SystemActor(), ErrIllegalTransition},
		"a unit handler":      {chatCase(StateAccepted), handler("logistics"), ErrForbidden},
	} {
		out, err := BindContact(tc.c, tc.actor, "sealed", "masked", "", t0)
		if !errors.Is(err, tc.want) || len(out.Events) != 0 {
			t.Errorf("%s: err %v, events %d; want %v and none", name, err, len(out.Events), tc.want)
		}
	}
	if _, err := BindContact(chatCase(StateAccepted), SystemActor(), " ", "", "", t0); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty contact: %v", err)
	}
}

func TestSystemExcludesOnlyCasesWithoutContact(t *testing.T) {
	t.Parallel()
	cmd := Command{Action: ActionExclude, Exclusion: ExcludeNoContact, Note: "匿名"}
	out, err := Apply(chatCase(StateDispatched), SystemActor(), cmd, t0, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if e := out.Case.Exclusion; e == nil || e.Reason != ExcludeNoContact || e.ApprovedBy != "system" {
		t.Errorf("exclusion = %+v", out.Case.Exclusion)
	}
	withPhone := chatCase(StateDispatched)
	withPhone.Complainant.NoContact = false
	for name, tc := range map[string]struct {
		c   Case
		cmd Command
	}{
		"a case with a phone": {withPhone, cmd},
		"another reason":      {chatCase(StateDispatched), Command{Action: ActionExclude, Exclusion: ExcludePraise}},
	} {
		if _, err := Apply(tc.c, SystemActor(), tc.cmd, t0, DefaultPolicy()); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: err = %v, want forbidden", name, err)
		}
	}
}

func TestSurveyFollowsOnlyChatFeedback(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	p.SurveyDelay = 36 * time.Hour
	c := chatCase(StateContacted)
	c.Complainant.NoContact = false
	c.CoUnits = nil
	out, err := Apply(c, handler("logistics"), Command{Action: ActionResolve, Result: "已修复"}, t0, p)
	if err != nil {
		t.Fatal(err)
	}
	var survey *Message
	for i, m := range out.Messages {
		if m.Template == "case_survey" {
			survey = &out.Messages[i]
		}
	}
	if survey == nil || survey.Delay != 36*time.Hour || survey.OnlyWhile != StateFeedbackGiven {
		t.Fatalf("messages = %+v", out.Messages)
	}
	// A hotline case is followed up by phone: no survey message.
	h := fixture(StateContacted)
	h.CoUnits = nil
	out, err = Apply(h, handler("logistics"), Command{Action: ActionResolve, Result: "已修复"}, t0, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out.Messages {
		if m.Template == "case_survey" {
			t.Errorf("hotline case got a survey: %+v", out.Messages)
		}
	}
	// No delay configured: no survey.
	p.SurveyDelay = 0
	out, _ = Apply(c, handler("logistics"), Command{Action: ActionResolve, Result: "已修复"}, t0, p)
	if len(out.Messages) != 1 {
		t.Errorf("without a survey delay: %+v", out.Messages)
	}
}
