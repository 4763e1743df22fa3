package service

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Stored refused and attach data decodes into its payload with no key
// left over and encodes back to the same bytes.
func TestStoredPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    any
		data string
	}{
		{&RefusedPayload{}, `{"action":"accept"}`},
		{&AttachPayload{}, `{"attachment":12,"kind":"image"}`},
	} {
		dec := json.NewDecoder(bytes.NewReader([]byte(tc.data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(tc.p); err != nil {
			t.Fatalf("decode %s: %v", tc.data, err)
		}
		out, err := json.Marshal(tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != tc.data {
			t.Errorf("round trip\n got %s\nwant %s", out, tc.data)
		}
	}
}
