package render

import (
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/jiesu/jiesu/internal/cases"
)

// ErrMissingLabel is a code of the domain that labels.tmpl does not name.
var ErrMissingLabel = errors.New("missing label")

// loadLabels renders every {{define "kind.code"}} of labels.tmpl once, into
// the table the label functions read.
func loadLabels(root *template.Template) (map[string]string, error) {
	labels := make(map[string]string)
	for _, t := range root.Templates() {
		name := t.Name()
		if !strings.Contains(name, ".") {
			continue
		}
		var b strings.Builder
		if err := root.ExecuteTemplate(&b, name, nil); err != nil {
			return nil, fmt.Errorf("label %s: %w", name, err)
		}
		labels[name] = strings.TrimSpace(b.String())
	}
	var need []string
	for _, t := range cases.Tiers {
		need = append(need, "tier."+string(t))
	}
	for _, s := range cases.States {
		need = append(need, "state."+string(s))
	}
	for _, c := range cases.Channels {
		need = append(need, "channel."+string(c))
	}
	for _, r := range cases.Ratings {
		need = append(need, "rating."+string(r))
	}
	need = append(need, "duration.day", "duration.hour", "duration.minute")
	var missing []string
	for _, k := range need {
		if labels[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrMissingLabel, strings.Join(missing, ", "))
	}
	return labels, nil
}
