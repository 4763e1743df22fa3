package render

import (
	"reflect"
	"slices"
	"strings"

	"github.com/jiesu/jiesu/internal/cases"
)

// The data of the templates: each struct lists, by its json tags, the keys
// of Extra that its templates may read (the keys the outbox stores in a
// message's data). New refuses a template that reads any other key, so a
// misspelt key or an override written for another template stops the
// start; Render hands a template exactly these keys, a key its message
// did not carry as empty.
type (
	// NoExtra is the data of a template that reads only the case.
	NoExtra struct{}
	// CoDispatchedData is case_co_dispatched's, and the co-units' copies of
	// the incident notices.
	CoDispatchedData struct {
		LeadUnit string `json:"lead_unit"`
	}
	// AcceptedData is case_accepted's and card_taken's (which renders
	// case_accepted's data).
	AcceptedData struct {
		Member     string `json:"member"`
		MemberName string `json:"member_name"`
	}
	// AcceptedMemberData is case_accepted_member's: the complainant's name
	// and contact are opened at delivery, for the first handler only.
	AcceptedMemberData struct {
		ComplainantContact string `json:"complainant_contact"`
		ComplainantName    string `json:"complainant_name"`
		Member             string `json:"member"`
		MemberName         string `json:"member_name"`
	}
	// ReturnedData is case_returned's.
	ReturnedData struct {
		Reason string `json:"reason"`
		Unit   string `json:"unit"`
	}
	// ResultData is case_result's and case_resolved's.
	ResultData struct {
		Result string `json:"result"`
	}
	// ReopenedData is case_reopened's and case_reopened_office's.
	ReopenedData struct {
		Rating string `json:"rating"`
	}
	// MergedData is case_merged's: the number of the case it joined.
	MergedData struct {
		Primary string `json:"primary"`
	}
	// ReasonData is case_withdrawn's.
	ReasonData struct {
		Reason string `json:"reason"`
	}
	// TierChangedData is case_tier_changed's.
	TierChangedData struct {
		FromTier string `json:"from_tier"`
	}
	// ExtensionData is extension_requested's and extension_approved's.
	ExtensionData struct {
		Reason string `json:"reason"`
		Until  string `json:"until"`
	}
	// CoReportedData is co_reported's.
	CoReportedData struct {
		Report string `json:"report"`
		Unit   string `json:"unit"`
	}
	// EscalationData is escalation's, and that of any template an
	// escalation step names (escalation.*[].template): one of Elapsed,
	// LateBy and Left is set, as a Go duration.
	EscalationData struct {
		Condition     string `json:"condition"`
		Elapsed       string `json:"elapsed"`
		IncidentCount string `json:"incident_count"`
		Kind          string `json:"kind"`
		LateBy        string `json:"late_by"`
		Left          string `json:"left"`
	}
	// EscalationDigestData is escalation_digest's; Rows are one a line,
	// tab-separated (templates/messages/README.md).
	EscalationDigestData struct {
		Count       string `json:"count"`
		Escalations string `json:"escalations"`
		More        string `json:"more"`
		Reminders   string `json:"reminders"`
		Rows        string `json:"rows"`
	}
	// IncidentData is incident_opened's and incident_updated's.
	IncidentData struct {
		Added    string `json:"added"`
		Category string `json:"category"`
		Count    string `json:"count"`
		Incident string `json:"incident"`
		LeadUnit string `json:"lead_unit"`
		Pending  string `json:"pending"`
		Place    string `json:"place"`
		Removed  string `json:"removed"`
	}
	// IncidentHandledData is incident_handled's.
	IncidentHandledData struct {
		Action     string `json:"action"`
		Count      string `json:"count"`
		MemberName string `json:"member_name"`
		Skipped    string `json:"skipped"`
	}
	// DigestData is digest_notice's, digest_card's and digest_member's.
	DigestData struct {
		Count string `json:"count"`
	}
	// ReplyData is unit_reply's.
	ReplyData struct {
		Action string `json:"action"`
		Field  string `json:"field"`
		Kind   string `json:"kind"`
		Name   string `json:"name"`
		Number string `json:"number"`
		State  string `json:"state"`
	}
	// CasePageData is unit_case_page's.
	CasePageData struct {
		FirstHandler string `json:"first_handler"`
	}
)

// dataOf is the data of template name; a name of no constant can only be
// an escalation step's own template, which gets escalation's.
func dataOf(name cases.Template) any {
	switch name {
	case cases.TemplateCaseAccusesOfficial, cases.TemplateCaseTriage, cases.TemplateCaseUrgentByText,
		cases.TemplateCaseDispatched, cases.TemplateCaseSurvey, cases.TemplateCaseSupplemented,
		cases.TemplateExtensionRejected, cases.TemplateCardClosed:
		return NoExtra{}
	case cases.TemplateCaseCoDispatched:
		return CoDispatchedData{}
	case cases.TemplateCaseAccepted, cases.TemplateCardTaken:
		return AcceptedData{}
	case cases.TemplateCaseAcceptedMember:
		return AcceptedMemberData{}
	case cases.TemplateCaseReturned:
		return ReturnedData{}
	case cases.TemplateCaseResult, cases.TemplateCaseResolved:
		return ResultData{}
	case cases.TemplateCaseReopened, cases.TemplateCaseReopenedOffice:
		return ReopenedData{}
	case cases.TemplateCaseMerged:
		return MergedData{}
	case cases.TemplateCaseWithdrawn:
		return ReasonData{}
	case cases.TemplateCaseTierChanged:
		return TierChangedData{}
	case cases.TemplateExtensionRequested, cases.TemplateExtensionApproved:
		return ExtensionData{}
	case cases.TemplateCoReported:
		return CoReportedData{}
	case cases.TemplateEscalationDigest:
		return EscalationDigestData{}
	case cases.TemplateIncidentOpened, cases.TemplateIncidentUpdated:
		return IncidentData{}
	case cases.TemplateIncidentHandled:
		return IncidentHandledData{}
	case cases.TemplateDigestNotice, cases.TemplateDigestCard, cases.TemplateDigestMember:
		return DigestData{}
	case cases.TemplateUnitReply:
		return ReplyData{}
	case cases.TemplateUnitCasePage:
		return CasePageData{}
	}
	return EscalationData{}
}

// extraKeys are the json names of a data struct's fields, sorted.
func extraKeys(data any) []string {
	t := reflect.TypeOf(data)
	keys := make([]string, 0, t.NumField())
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		keys = append(keys, name)
	}
	slices.Sort(keys)
	return keys
}

// Extra turns a template's data into the message data the outbox stores,
// for a caller that builds the struct: a key the template cannot read
// never reaches it.
func Extra(data any) map[string]string {
	v := reflect.ValueOf(data)
	out := make(map[string]string, v.NumField())
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if s := v.Field(i).String(); s != "" {
			out[name] = s
		}
	}
	return out
}

// onlyKeys is extra with exactly keys: a key missing from extra is empty,
// one not in keys is dropped, so that a template executed with
// missingkey=error fails only on a key its data does not have.
func onlyKeys(extra map[string]string, keys []string) map[string]string {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = extra[k]
	}
	return out
}
