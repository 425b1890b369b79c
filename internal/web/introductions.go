package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// Introductions: the list, the form (reached from the Introduce action of
// the discovery suggestions), an introduction's page with its pipeline,
// the leads' answers, and the one-click answer links of the emails.

var introductionFuncs = template.FuncMap{
	"introKinds":        func() []string { return model.IntroductionKinds },
	"introKindLabel":    model.IntroductionKindLabel,
	"introStatusLabel":  model.IntroductionStatusLabel,
	"introOutcomes":     func() []string { return model.IntroductionOutcomes },
	"introOutcomeLabel": model.IntroductionOutcomeLabel,
}

func init() {
	for name, fn := range introductionFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

type introductionsData struct {
	Items   []*model.Introduction
	IsAdmin bool
	Pending []model.PendingAnswer
}

// Introductions lists the introductions the reader may see.
func (ui *UI) Introductions() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		u := user(r)
		items, err := ui.app.ListIntroductions(r.Context(), u, app.IntroductionQuery{})
		if err != nil {
			return err
		}
		pending, err := ui.app.PendingIntroductionAnswers(r.Context(), u)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "introductions", ui.page(r, "Introductions", "communities",
			introductionsData{Items: items, IsAdmin: u.IsAdmin(), Pending: pending}))
		return nil
	})
}

// NewIntroduction shows the form, filled from the Introduce action's query
// (kind, from, to, initiative).
func (ui *UI) NewIntroduction() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		q := r.URL.Query()
		p := ui.page(r, "Introduce", "communities", nil)
		p.Form = url.Values{"kind": {q.Get("kind")}, "from_community": {q.Get("from")}, "to_community": {q.Get("to")}, "initiative": {q.Get("initiative")}}
		if p.Form.Get("kind") == "" {
			p.Form.Set("kind", model.IntroPeer)
		}
		ui.render(w, r, http.StatusOK, "introduction_form", p)
		return nil
	})
}

// CreateIntroduction handles the form.
func (ui *UI) CreateIntroduction() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		in := model.IntroductionInput{Kind: f.Get("kind"), FromCommunity: f.Get("from_community"), ToCommunity: f.Get("to_community"),
			Initiative: f.Get("initiative"), Note: f.Get("note"),
			Contact: &model.Contact{Name: f.Get("contact_name"), Organization: f.Get("contact_organization"), Email: f.Get("contact_email")}}
		v, err := ui.app.CreateIntroduction(r.Context(), user(r), in)
		if err != nil {
			p := ui.page(r, "Introduce", "communities", nil)
			ui.formFailed(w, r, formFields(err), "introduction_form", p)
			return nil
		}
		ui.flash(r, "Introduction suggested: "+v.Title()+".")
		redirect(w, r, "/introductions/"+strconv.FormatInt(v.ID, 10))
		return nil
	})
}

// formFields renames the app's dotted contact fields to the form's names.
func formFields(err error) error {
	e, ok := err.(*model.Error)
	if !ok {
		return err
	}
	moved := *e
	moved.Fields = make([]model.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		f.Field = strings.ReplaceAll(f.Field, ".", "_")
		moved.Fields[i] = f
	}
	return &moved
}

type introductionData struct {
	*app.IntroductionView
	SignedIn bool
}

func (ui *UI) introductionPage(r *http.Request) (*Page, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := ui.app.GetIntroduction(r.Context(), user(r), id)
	if err != nil {
		return nil, err
	}
	return ui.page(r, v.Title(), "communities", introductionData{IntroductionView: v, SignedIn: user(r) != nil}), nil
}

// Introduction shows one introduction.
func (ui *UI) Introduction() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.introductionPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "introduction", p)
		return nil
	})
}

// MoveIntroduction handles the pipeline form.
func (ui *UI) MoveIntroduction() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := introductionForm(r)
		if err != nil {
			return err
		}
		f := r.PostForm
		m := model.StatusMove{To: f.Get("status"), Note: f.Get("note"), ContactAsked: f.Get("contact_asked") == "1",
			Outcome: f.Get("outcome"), Consortium: f.Get("consortium"), Currency: f.Get("currency"), Goal: f.Get("goal")}
		if s := strings.TrimSpace(f.Get("amount")); s != "" {
			minor, perr := model.ParseMajorUnits(s)
			if perr != nil {
				var p model.Problems
				p.Add("amount", "%s", perr.Error())
				return ui.introductionFailed(w, r, p.Err())
			}
			m.Amount = minor
		}
		v, err := ui.app.MoveIntroduction(r.Context(), user(r), id, m)
		if err != nil {
			return ui.introductionFailed(w, r, err)
		}
		ui.flash(r, "The introduction is now: "+v.StatusLabel()+".")
		redirect(w, r, "/introductions/"+strconv.FormatInt(id, 10))
		return nil
	})
}

// introductionForm reads a form posted on an introduction's page by a
// signed-in person and returns the introduction's id.
func introductionForm(r *http.Request) (int64, error) {
	if err := requireUser(r); err != nil {
		return 0, err
	}
	if err := parseForm(r); err != nil {
		return 0, err
	}
	return pathID(r, "id")
}

func (ui *UI) introductionFailed(w http.ResponseWriter, r *http.Request, err error) error {
	p, perr := ui.introductionPage(r)
	if perr != nil {
		return perr
	}
	ui.inlineFailed(w, r, err, "move", "introduction", p)
	return nil
}

// AnswerIntroduction records a signed-in lead's answer for their community.
func (ui *UI) AnswerIntroduction() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := introductionForm(r)
		if err != nil {
			return err
		}
		v, err := ui.app.AnswerIntroduction(r.Context(), user(r), id, r.PostForm.Get("community"), r.PostForm.Get("answer"))
		if err != nil {
			return ui.introductionFailed(w, r, err)
		}
		ui.flash(r, "Your answer is recorded. The introduction is now: "+v.StatusLabel()+".")
		redirect(w, r, "/introductions/"+strconv.FormatInt(id, 10))
		return nil
	})
}

// introLinkData is the page of a one-click introduction answer.
type introLinkData struct {
	Token    string
	Link     *app.IntroductionLink
	Done     bool
	Problem  string
	Status   string // expired, used, tampered
	SignedIn bool
}

func (ui *UI) introLinkFailed(w http.ResponseWriter, r *http.Request, token string, err error) error {
	if !inputProblem(err) {
		return err
	}
	d := introLinkData{Problem: model.ErrorMessage(err), SignedIn: user(r) != nil, Status: ui.app.IntroductionLinkProblem(token, err)}
	status := map[string]int{app.LinkExpired: http.StatusGone, app.LinkUsed: http.StatusConflict}[d.Status]
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	ui.render(w, r, status, "introduction_answer", ui.page(r, "This link cannot be used", "", d))
	return nil
}

// IntroductionLinkPage is where an answer link from an email leads: it
// records nothing (mail scanners follow links) and asks for a button press.
func (ui *UI) IntroductionLinkPage() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		l, err := ui.app.CheckIntroductionLink(r.Context(), token)
		if err != nil {
			return ui.introLinkFailed(w, r, token, err)
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "introduction_answer", ui.page(r, "Confirm your answer", "",
			introLinkData{Token: token, Link: l, SignedIn: user(r) != nil}))
		return nil
	})
}

// IntroductionLink records the answer after the confirmation; the token is
// the credential and works once.
func (ui *UI) IntroductionLink() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		l, err := ui.app.AnswerIntroductionByLink(r.Context(), token)
		if err != nil {
			return ui.introLinkFailed(w, r, token, err)
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "introduction_answer", ui.page(r, "Thank you", "",
			introLinkData{Link: l, Done: true, SignedIn: user(r) != nil}))
		return nil
	})
}
