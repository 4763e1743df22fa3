package survey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/internal/cases"
)

// Service is what the page needs of service.Service.
type Service interface {
	Get(ctx context.Context, actor cases.Actor, ref string) (cases.Case, error)
	Act(ctx context.Context, actor cases.Actor, ref string, cmd cases.Command, primary string) (cases.Case, error)
}

// pageName is the template of the page in templates.Pages.
const pageName = "pages/survey.html"

// Page serves the survey behind a signed link: GET shows the case and the
// five choices, POST records the chosen one, exactly as a digit replied in
// the chat would. A case can be rated once, while it waits for a rating.
type Page struct {
	svc   Service
	links *Links
	units func(id string) string
	tmpl  *template.Template
	log   *zap.Logger
}

// NewPage parses the page template from fsys now, so that a broken one
// stops the start. unitName names a unit id (nil: the id).
func NewPage(fsys fs.FS, svc Service, links *Links, unitName func(string) string, log *zap.Logger) (*Page, error) {
	t, err := template.ParseFS(fsys, pageName)
	if err != nil {
		return nil, fmt.Errorf("survey page: %w", err)
	}
	if unitName == nil {
		unitName = func(id string) string { return id }
	}
	if log == nil {
		log = zap.NewNop()
	}
	p := &Page{svc: svc, links: links, units: unitName, tmpl: t, log: log}
	// Try every state once, as the message templates are tried at start.
	for _, st := range []string{"form", "done", "closed", "invalid"} {
		if err := t.ExecuteTemplate(&bytes.Buffer{}, "survey.html", p.view(cases.Case{Number: "JS20261128-0042", Result: "x"}, st)); err != nil {
			return nil, fmt.Errorf("survey page (%s): %w", st, err)
		}
	}
	return p, nil
}

type choice struct {
	Digit int
	Code  cases.Rating
	Bad   bool
}

type pageView struct {
	State    string
	Number   string
	Unit     string
	Result   string
	Rating   cases.Rating
	Reopened bool
	Choices  []choice
}

func (p *Page) view(c cases.Case, state string) pageView {
	v := pageView{State: state, Number: c.Number, Result: c.Result, Rating: c.Rating}
	if c.LeadUnit != "" {
		v.Unit = p.units(c.LeadUnit)
	}
	for i, r := range cases.Ratings {
		v.Choices = append(v.Choices, choice{Digit: i + 1, Code: r, Bad: r.Unsatisfied()})
	}
	return v
}

// ServeHTTP answers GET and POST on PagePath + token.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	number, err := p.links.Verify(r.PathValue("token"))
	if err != nil {
		p.render(w, http.StatusNotFound, p.view(cases.Case{}, "invalid"))
		return
	}
	actor := cases.SystemActor()
	c, err := p.svc.Get(r.Context(), actor, number)
	if err != nil {
		p.fail(w, err)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		d, err := strconv.Atoi(r.PostFormValue("rating"))
		if err != nil || d < 1 || d > len(cases.Ratings) {
			http.Error(w, "rating must be 1 to 5", http.StatusBadRequest)
			return
		}
		if c.State != cases.StateFeedbackGiven {
			p.render(w, http.StatusConflict, p.view(c, "closed"))
			return
		}
		rating := cases.Ratings[d-1]
		rated, err := p.svc.Act(r.Context(), actor, number, cases.Command{Action: cases.ActionRate, Rating: rating}, "")
		if errors.Is(err, cases.ErrIllegalTransition) {
			// Rated in the chat a moment ago: show what counts.
			if c, err = p.svc.Get(r.Context(), actor, number); err == nil {
				p.render(w, http.StatusConflict, p.view(c, "closed"))
				return
			}
		}
		if err != nil {
			p.fail(w, err)
			return
		}
		v := p.view(rated, "done")
		v.Reopened = rated.State == cases.StateReopened
		p.render(w, http.StatusOK, v)
		return
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	state := "closed"
	if c.State == cases.StateFeedbackGiven {
		state = "form"
	}
	p.render(w, http.StatusOK, p.view(c, state))
}

func (p *Page) render(w http.ResponseWriter, status int, v pageView) {
	var b bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&b, "survey.html", v); err != nil {
		p.log.Error("survey page", zap.Error(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (p *Page) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, cases.ErrNotFound) {
		p.render(w, http.StatusNotFound, p.view(cases.Case{}, "invalid"))
		return
	}
	p.log.Error("survey page", zap.Error(err))
	http.Error(w, "internal error", http.StatusInternalServerError)
}
