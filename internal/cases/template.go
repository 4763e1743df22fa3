package cases

// Template names a message template, templates/messages/<name>.tmpl. The
// constants below are every name the service asks for; internal/render
// gives each its data (the keys of the message's Extra) and refuses to
// start when a template reads a key its data does not have. A new name
// can come only from the configuration (escalation.*[].template), which
// start-up checks against the templates it parsed.
type Template string

// The domain's messages (Apply and New).
const (
	TemplateCaseAccusesOfficial Template = "case_accuses_official"
	TemplateCaseTriage          Template = "case_triage"
	TemplateCaseUrgentByText    Template = "case_urgent_by_text"
	TemplateCaseDispatched      Template = "case_dispatched"
	TemplateCaseCoDispatched    Template = "case_co_dispatched"
	TemplateCaseAccepted        Template = "case_accepted"
	TemplateCaseReturned        Template = "case_returned"
	TemplateCaseResult          Template = "case_result"
	TemplateCaseResolved        Template = "case_resolved"
	TemplateCaseSurvey          Template = "case_survey"
	TemplateCaseReopened        Template = "case_reopened"
	TemplateCaseReopenedOffice  Template = "case_reopened_office"
	TemplateCaseMerged          Template = "case_merged"
	TemplateCaseWithdrawn       Template = "case_withdrawn"
	TemplateCaseSupplemented    Template = "case_supplemented"
	TemplateCaseTierChanged     Template = "case_tier_changed"
	TemplateExtensionRequested  Template = "extension_requested"
	TemplateExtensionApproved   Template = "extension_approved"
	TemplateExtensionRejected   Template = "extension_rejected"
	TemplateCoReported          Template = "co_reported"
)

// The messages of the sweeps, the incidents and the unit chats.
const (
	TemplateEscalation         Template = "escalation"
	TemplateEscalationDigest   Template = "escalation_digest"
	TemplateIncidentOpened     Template = "incident_opened"
	TemplateIncidentUpdated    Template = "incident_updated"
	TemplateIncidentHandled    Template = "incident_handled"
	TemplateDigestNotice       Template = "digest_notice"
	TemplateDigestCard         Template = "digest_card"
	TemplateDigestMember       Template = "digest_member"
	TemplateCardTaken          Template = "card_taken"
	TemplateCardClosed         Template = "card_closed"
	TemplateCaseAcceptedMember Template = "case_accepted_member"
	TemplateUnitReply          Template = "unit_reply"
	TemplateUnitCasePage       Template = "unit_case_page"
)
