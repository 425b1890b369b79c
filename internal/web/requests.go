package web

import (
	"net/http"
	"strconv"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// optionTally is one answer of a request with who chose it.
type optionTally struct {
	Label  string
	People []model.Answer
	Mine   bool
}

type requestData struct {
	Request    *model.Request
	Options    []optionTally
	Mine       string
	Past       bool // the deadline has passed
	Consortium *model.Consortium
	Others     []model.Answer // answers that are no longer among the options
}

func (ui *UI) requestPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	req, err := ui.app.GetRequest(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &requestData{Request: req, Past: req.Deadline != nil && time.Now().After(*req.Deadline)}
	if req.ConsortiumID != nil {
		list, _, err := ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{IDs: []int64{*req.ConsortiumID}, Page: model.Page{Size: 1}})
		if err != nil {
			return nil, err
		}
		if len(list) == 1 {
			d.Consortium = list[0]
		}
	}
	index := map[string]int{}
	for _, o := range answerOptions(req) {
		index[o] = len(d.Options)
		d.Options = append(d.Options, optionTally{Label: o})
	}
	for _, a := range req.Answers {
		if a.UserID == u.ID {
			d.Mine = a.Answer
		}
		if i, ok := index[a.Answer]; ok {
			d.Options[i].People = append(d.Options[i].People, a)
			d.Options[i].Mine = d.Options[i].Mine || a.UserID == u.ID
		} else {
			d.Others = append(d.Others, a)
		}
	}
	return ui.page(r, req.Title, "updates", d), nil
}

// Request shows a request: the question, its answers and who gave which,
// with buttons for the reader's own answer.
func (ui *UI) Request() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.requestPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "request", p)
		return nil
	})
}

// AnswerRequest records the signed-in reader's answer.
func (ui *UI) AnswerRequest() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		answer := r.PostForm.Get("answer")
		if err := ui.app.Answer(r.Context(), user(r), id, answer); err != nil {
			p, perr := ui.requestPage(r)
			if perr != nil {
				return perr
			}
			ui.inlineFailed(w, r, err, "answer", "request", p)
			return nil
		}
		ui.flash(r, "Thank you: your answer “"+answer+"” is recorded.")
		redirect(w, r, "/requests/"+strconv.FormatInt(id, 10))
		return nil
	})
}

// answerData is the page of a one-click answer link.
type answerData struct {
	Token    string
	Request  *model.Request
	Answer   string
	Person   string
	Done     bool
	Problem  string // why the link cannot be used
	Expired  bool
	SignedIn bool
}

// answerLinkFailed shows why a link cannot be used: 410 when it (or the
// request) expired, 400 when it was changed or cut.
func (ui *UI) answerLinkFailed(w http.ResponseWriter, r *http.Request, token string, err error) {
	if !inputProblem(err) {
		ui.Error(w, r, err)
		return
	}
	d := answerData{Problem: model.ErrorMessage(err), SignedIn: user(r) != nil}
	status := http.StatusBadRequest
	if ui.app.AnswerLinkProblem(token, err) == app.LinkExpired {
		d.Expired, status = true, http.StatusGone
	}
	ui.render(w, r, status, "answer", ui.page(r, "This link cannot be used", "", d))
}

// AnswerLinkPage is where a one-click answer link from an email leads. It
// records nothing — mail scanners follow links — and asks the person to
// confirm with a button.
func (ui *UI) AnswerLinkPage() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		req, person, answer, err := ui.app.CheckAnswerLink(r.Context(), token)
		if err != nil {
			ui.answerLinkFailed(w, r, token, err)
			return nil
		}
		d := answerData{Token: token, Request: req, Answer: answer, Person: person.Name, SignedIn: user(r) != nil}
		// Links in email must not leak through the Referer of later clicks.
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "answer", ui.page(r, "Confirm your answer", "", d))
		return nil
	})
}

// AnswerLink records a one-click answer after the confirmation. The token
// is the credential: it works without signing in.
func (ui *UI) AnswerLink() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		_, person, _, err := ui.app.CheckAnswerLink(r.Context(), token)
		if err != nil {
			ui.answerLinkFailed(w, r, token, err)
			return nil
		}
		req, answer, err := ui.app.AnswerByLink(r.Context(), token)
		if err != nil {
			ui.answerLinkFailed(w, r, token, err)
			return nil
		}
		d := answerData{Request: req, Answer: answer, Person: person.Name, Done: true, SignedIn: user(r) != nil}
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "answer", ui.page(r, "Thank you", "", d))
		return nil
	})
}
