package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// storedPayloads are events' data as jiesu has written them (the map each
// transition built, encoded with its keys sorted), one or more per kind:
// with the optional keys and without.
var storedPayloads = []struct {
	kind Action
	data string
}{
	{ActionRegister, `{"category":"水电","channel":"wechat_oa","reasons":["place:学生公寓"],"tier":"general"}`},
	{ActionRegister, `{"category":"","channel":"hotline","reasons":null,"tier":"urgent","tier_evidence":["水漫进"],"tier_raised_from":"general"}`},
	{ActionDispatch, `{"contact_by":"2026-11-28T11:30:00+08:00","lead_unit":"logistics","resolve_by":"2026-11-29T09:30:00+08:00","tier":"essential"}`},
	{ActionDispatch, `{"co_units":["student_affairs"],"contact_by":"2026-11-28T03:30:00Z","lead_unit":"logistics","previous_unit":"security","resolve_by":"2026-11-29T01:30:00.123456Z","tier":"general"}`},
	{ActionAccept, `{"first_handler":"logistics-li"}`},
	{ActionReturn, `{"reason":"不属于本单位职责","unit":"logistics"}`},
	{ActionContact, `{"on_time":true}`},
	{ActionResolve, `{"on_time":false,"result":"已更换阀门"}`},
	{ActionResolve, `{"on_time":true,"result":"已处理","unreported_co_units":["security"]}`},
	{ActionFeedback, `{"via":"wechat_oa"}`},
	{ActionFeedback, `{"report":"已电话告知","via":"hotline"}`},
	{ActionRate, `{"rating":"satisfied","score":90}`},
	{ActionRate, `{"rating":"unsatisfied","reopened":true,"score":0}`},
	{ActionClose, `{"rated":false}`},
	{ActionMerge, `{"primary":"JS20261127-0007","primary_id":7}`},
	{ActionWithdraw, `{"reason":"已自行解决"}`},
	{ActionRequestExtension, `{"reason":"等配件","until":"2026-11-30T18:00:00+08:00"}`},
	{ActionApproveExtension, `{"previous_resolve_by":"2026-11-29T09:30:00+08:00","until":"2026-11-30T18:00:00+08:00"}`},
	{ActionRejectExtension, `{"until":"2026-11-30T18:00:00+08:00"}`},
	{ActionExclude, `{"approved_by":"office-wang","reason":"force_majeure"}`},
	{ActionCoAccept, `{"unit":"security"}`},
	{ActionCoReport, `{"on_time":true,"report":"已配合","unit":"security"}`},
	{ActionChangeTier, `{"from_tier":"urgent","to_tier":"general"}`},
	{ActionChangeTier, `{"contact_by":"2026-11-28T11:30:00+08:00","from_tier":"general","reason":"误判","resolve_by":"2026-11-29T09:30:00+08:00","tier_evidence":["水漫进"],"to_tier":"urgent"}`},
}

// Stored data decodes into its kind's payload, with no key left over, and
// encodes back to the same bytes: the types keep the stored events and
// the API as they were.
func TestStoredPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range storedPayloads {
		p := PayloadOf(tc.kind)
		if p == nil {
			t.Errorf("%s: no payload type", tc.kind)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(tc.data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p); err != nil {
			t.Errorf("%s: decode %s: %v", tc.kind, tc.data, err)
			continue
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != tc.data {
			t.Errorf("%s: round trip\n got %s\nwant %s", tc.kind, out, tc.data)
		}
	}
	for _, k := range Actions {
		if k == ActionSupplement || k == ActionBindContact {
			continue // no data
		}
		found := false
		for _, tc := range storedPayloads {
			found = found || tc.kind == k
		}
		if !found {
			t.Errorf("%s: no stored data to round-trip", k)
		}
	}
}

// What a transition puts in an event's Data, as the store encodes it, is
// what its payload encodes to: the two cannot drift apart.
func TestPayloadDataEncodesAsThePayload(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, Shanghai())
	for _, p := range []Payload{
		RegisterPayload{Channel: "wechat_oa", Tier: "general"},
		RegisterPayload{Channel: "hotline", Tier: "urgent", TierRaisedFrom: "general", TierEvidence: []string{"水漫进"}, Reasons: []string{"x"}},
		DispatchPayload{LeadUnit: "logistics", Tier: "essential", ContactBy: at, ResolveBy: at},
		DispatchPayload{LeadUnit: "logistics", CoUnits: []string{"security"}, PreviousUnit: "x", ContactBy: at, ResolveBy: at},
		ResolvePayload{Result: "r"},
		ResolvePayload{Result: "r", OnTime: true, UnreportedCoUnits: []string{"security"}},
		FeedbackPayload{Via: "hotline", Report: "r"},
		RatePayload{Rating: "unsatisfied", Reopened: true},
		ExtensionDecisionPayload{Until: at},
		ExtensionDecisionPayload{Until: at, PreviousResolveBy: at},
		ChangeTierPayload{FromTier: "urgent", ToTier: "general"},
		ChangeTierPayload{FromTier: "general", ToTier: "urgent", Reason: "r", ContactBy: at, ResolveBy: at, TierEvidence: []string{"e"}},
		MergePayload{Primary: "JS1", PrimaryID: 1},
	} {
		a, err := json.Marshal(PayloadData(p))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%T:\n data %s\n type %s", p, a, b)
		}
	}
}

// Event.Payload reads the data of an event as a transition made it and as
// the store reads it back (JSON's types: strings for times, float64 for
// numbers).
func TestEventPayload(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, Shanghai())
	made := Event{Kind: string(ActionMerge), Data: PayloadData(MergePayload{Primary: "JS1", PrimaryID: 7})}
	var stored map[string]any
	if err := json.Unmarshal([]byte(`{"contact_by":"2026-11-28T09:30:00+08:00","lead_unit":"logistics","resolve_by":"2026-11-28T09:30:00+08:00","tier":"general"}`), &stored); err != nil {
		t.Fatal(err)
	}
	read := Event{Kind: string(ActionDispatch), Data: stored}
	if p, err := made.Payload(); err != nil || *p.(*MergePayload) != (MergePayload{Primary: "JS1", PrimaryID: 7}) {
		t.Errorf("made: %v, %v", p, err)
	}
	if p, err := read.Payload(); err != nil || p.(*DispatchPayload).LeadUnit != "logistics" || !p.(*DispatchPayload).ContactBy.Equal(at) {
		t.Errorf("read: %v, %v", p, err)
	}
	for _, e := range []Event{{Kind: string(ActionSupplement)}, {Kind: "reveal"}} {
		if _, err := e.Payload(); !errors.Is(err, ErrNoPayload) {
			t.Errorf("%s: %v, want ErrNoPayload", e.Kind, err)
		}
	}
}
