package unitchat

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/internal/service"
)

// TemplatePage is the case summary the page shows (templates/messages).
const TemplatePage = cases.TemplateUnitCasePage

// pageFile is the page's HTML (templates/pages).
const pageFile = "pages/unit_case.html"

// Authenticator says which platform user is at the page, and sends one
// who is not signed in to sign in; *wecom.OAuth is one.
type Authenticator interface {
	User(r *http.Request) (string, bool)
	Login(w http.ResponseWriter, r *http.Request)
}

// Page is the case page members open from their chat: the steps that need
// text (result, reason, new deadline) are forms here, and act exactly as
// the chat commands do. Mount it for GET and POST on a pattern with
// {number}.
type Page struct {
	h        *Handler
	platform string
	auth     Authenticator
	html     *template.Template
}

// NewPage parses the page from pages (templates.Pages).
func NewPage(h *Handler, platform string, auth Authenticator, pages fs.FS) (*Page, error) {
	t, err := template.ParseFS(pages, pageFile)
	if err != nil {
		return nil, fmt.Errorf("unitchat: %w", err)
	}
	return &Page{h: h, platform: platform, auth: auth, html: t}, nil
}

// pageView is what the HTML shows.
type pageView struct {
	Summary  bot.Message
	Member   string
	Can      map[string]bool
	Flash    string
	Revealed *service.Contact
}

// ServeHTTP shows the case (GET) or acts on it (POST).
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, ok := p.auth.User(r)
	if !ok {
		p.auth.Login(w, r)
		return
	}
	ctx := r.Context()
	actor, err := p.h.people.Actor(ctx, p.platform, user)
	if errors.Is(err, ErrStranger) {
		reply, _ := p.h.reply(request{}, "stranger", nil)
		http.Error(w, reply.Text, http.StatusForbidden)
		return
	}
	if err != nil {
		p.fail(w, err)
		return
	}
	number := strings.ToUpper(r.PathValue("number"))
	var revealed *service.Contact
	if r.Method == http.MethodPost {
		if !sameOrigin(r) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if r.PostFormValue("action") == "reveal" {
			contact, err := p.h.svc.Reveal(ctx, actor, number)
			if err != nil && !errors.Is(err, cases.ErrForbidden) {
				p.fail(w, err)
				return
			}
			revealed = &contact
		} else {
			p.act(w, r, actor, number)
			return
		}
	}
	c, err := p.h.svc.Get(ctx, actor, number)
	switch {
	case errors.Is(err, cases.ErrNotFound):
		reply, _ := p.h.reply(request{number: number}, "not_found", nil)
		http.Error(w, reply.Text, http.StatusNotFound)
		return
	case errors.Is(err, cases.ErrForbidden):
		p.h.refused(ctx, actor, request{action: "read", number: number}, err)
		reply, _ := p.h.reply(request{number: number}, "refused", nil)
		http.Error(w, reply.Text, http.StatusForbidden)
		return
	case err != nil:
		p.fail(w, err)
		return
	}
	view := pageView{Member: actor.Name, Can: can(actor, c), Revealed: revealed}
	if revealed != nil && revealed.Contact == "" && revealed.Name == "" && revealed.Content == "" {
		view.Revealed = nil
	}
	// The text in full only right after a reveal, which the timeline
	// records; every other view of the page shows it masked.
	if view.Revealed == nil {
		if c, err = p.h.svc.Shown(c); err != nil {
			p.fail(w, err)
			return
		}
	}
	view.Summary, err = p.h.render.Render(TemplatePage, render.Data{Case: c, Now: p.h.clock.Now(),
		Extra: render.Extra(render.CasePageData{FirstHandler: p.h.people.Name(ctx, c.FirstHandler)})})
	if err != nil {
		p.fail(w, err)
		return
	}
	if q := r.URL.Query(); q.Get("r") != "" {
		reply, err := p.h.reply(request{action: cases.Action(q.Get("a")), number: c.Number}, q.Get("r"), map[string]string{"field": q.Get("f"), "name": q.Get("n"), "state": q.Get("s")})
		if err == nil {
			view.Flash = reply.Text
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := p.html.Execute(w, view); err != nil {
		p.h.log.Error("case page", zap.Error(err))
	}
}

// act does what the form asks and shows the page again with the answer.
func (p *Page) act(w http.ResponseWriter, r *http.Request, actor cases.Actor, number string) {
	req := request{action: cases.Action(r.PostFormValue("action")), number: number, text: strings.TrimSpace(r.PostFormValue("text")),
		until: strings.TrimSpace(r.PostFormValue("until"))}
	res, err := p.h.do(r.Context(), actor, req)
	if err != nil {
		p.fail(w, err)
		return
	}
	q := url.Values{"r": {res.Kind}, "a": {string(req.action)}}
	for k, key := range map[string]string{"field": "f", "name": "n", "state": "s"} {
		if v := res.Extra[k]; v != "" {
			q.Set(key, v)
		}
	}
	http.Redirect(w, r, r.URL.Path+"?"+q.Encode(), http.StatusSeeOther)
}

func (p *Page) fail(w http.ResponseWriter, err error) {
	p.h.log.Error("case page", zap.Error(err))
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// can lists the forms the member may use on the case now; the domain
// decides again when they submit.
func can(a cases.Actor, c cases.Case) map[string]bool {
	lead := a.Unit != "" && a.Unit == c.LeadUnit && a.Has(cases.RoleHandler, cases.RoleUnitHead)
	out := map[string]bool{"reveal": a.CanReveal(c) && c.FirstHandler != ""}
	for _, act := range []cases.Action{cases.ActionAccept, cases.ActionContact, cases.ActionResolve, cases.ActionReturn, cases.ActionRequestExtension} {
		out[string(act)] = lead && cases.Allowed(act, c.State)
	}
	out[string(cases.ActionContact)] = out[string(cases.ActionContact)] && !c.Complainant.NoContact
	if as, _, ok := c.CoUnit(a.Unit); ok {
		out[string(cases.ActionCoAccept)] = as.State == cases.AssignmentDispatched && cases.Allowed(cases.ActionCoAccept, c.State)
		out[string(cases.ActionCoReport)] = as.State != cases.AssignmentReported && cases.Allowed(cases.ActionCoReport, c.State)
	}
	return out
}

// sameOrigin refuses a form posted from another site: the session cookie
// is SameSite=Lax already; this covers browsers that ignore it.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}
