package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// Testing calls, enrolment and feedback (app/testing_calls.go,
// app/testing_feedback.go), and a consortium's credits page.

var testingFuncs = template.FuncMap{
	"outcomeLabel":   model.OutcomeLabel,
	"outcomes":       func() []string { return model.Outcomes },
	"callValue":      callValue,
	"feedbackValues": feedbackValues,
	"answerAt": func(answers []string, i int) string {
		if i < len(answers) {
			return answers[i]
		}
		return ""
	},
}

func init() {
	for name, fn := range testingFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

// callValue is a call form's field: what was submitted when that form
// failed, else the current value.
// Answers are "answer.N": the Nth of the submitted answers.
func callValue(p *Page, form, field string, current map[string]string) string {
	if p.Errors["_form"] != form {
		return current[field]
	}
	if n, ok := strings.CutPrefix(field, "answer."); ok {
		i, _ := strconv.Atoi(n)
		if answers := p.Form[form+".answers"]; i < len(answers) {
			return answers[i]
		}
		return ""
	}
	return p.Value(form + "." + field)
}

// feedbackValues are a report's current values for its edit form.
func feedbackValues(f *model.TestingFeedback) map[string]string {
	v := map[string]string{"outcome": f.Outcome, "summary": f.Summary, "tried": f.Tried, "link": f.Link}
	for i, a := range f.Answers {
		v["answer."+strconv.Itoa(i)] = a
	}
	return v
}

// callInput reads a testing call form; questions are one per line.
func callInput(f url.Values) model.TestingCallInput {
	return model.TestingCallInput{Title: f.Get("title"), Instructions: f.Get("instructions"), EnvironmentURL: f.Get("environment_url"),
		Build: f.Get("build"), Risks: f.Get("risks"), EndsOn: f.Get("ends_on"), Questions: strings.Split(f.Get("questions"), "\n"),
		State: f.Get("state")}
}

// OpenTestingCall opens a call from the initiative page (staff).
func (ui *UI) OpenTestingCall() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		c, err := ui.app.OpenTestingCall(r.Context(), user(r), r.PathValue("ref"), callInput(r.PostForm))
		if err != nil {
			ui.initiativeFailed(w, r, err, "call")
			return nil
		}
		ui.flash(r, "The testing call is open; the communities that may test were told.")
		redirect(w, r, fmt.Sprintf("/testing-calls/%d", c.ID))
		return nil
	})
}

// testingCallData is what the call page shows.
type testingCallData struct {
	*app.TestingCallView
	EditValues map[string]string // the call's fields for its edit form
}

func (ui *UI) testingCallPage(r *http.Request, id int64) (*Page, error) {
	v, err := ui.app.GetTestingCall(r.Context(), user(r), id)
	if err != nil {
		return nil, err
	}
	d := &testingCallData{TestingCallView: v, EditValues: map[string]string{"title": v.Title, "instructions": v.Instructions,
		"environment_url": v.EnvironmentURL, "build": v.Build, "risks": v.Risks, "ends_on": v.EndsOn, "questions": strings.Join(v.Questions, "\n")}}
	return ui.page(r, v.Title+" · Testing call", "roadmap", d), nil
}

// TestingCall is a call's page.
func (ui *UI) TestingCall() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := ui.testingCallPage(r, id)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "testing_call", p)
		return nil
	})
}

// callAction runs one of the call page's forms: act gets the call id and
// the parsed form and returns where to go, or an error shown beside form.
func (ui *UI) callAction(form string, act func(r *http.Request, id int64) (string, string, error)) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		to, msg, err := act(r, id)
		if err != nil {
			return ui.callFailed(w, r, err, id, form)
		}
		ui.flash(r, msg)
		redirect(w, r, to)
		return nil
	})
}

// callFailed shows the call page again after one of its forms failed with
// a problem in the input; other errors go to the error page.
func (ui *UI) callFailed(w http.ResponseWriter, r *http.Request, err error, callID int64, form string) error {
	if !inputProblem(err) {
		return err
	}
	p, perr := ui.testingCallPage(r, callID)
	if perr != nil {
		return perr
	}
	ui.inlineFailed(w, r, err, form, "testing_call", p)
	return nil
}

func callURL(id int64, anchor string) string { return fmt.Sprintf("/testing-calls/%d#%s", id, anchor) }

// UpdateTestingCall changes a call, posts a build or closes it (staff).
func (ui *UI) UpdateTestingCall() http.Handler {
	return ui.callAction("edit", func(r *http.Request, id int64) (string, string, error) {
		f := r.PostForm
		_, err := ui.app.UpdateTestingCall(r.Context(), user(r), id, func(in *model.TestingCallInput) {
			if f.Has("title") {
				state := in.State
				if *in = callInput(f); in.State == "" {
					in.State = state
				}
			}
			if s := f.Get("set_state"); s != "" {
				in.State = s
			}
		})
		return callURL(id, "call"), "The testing call was updated.", err
	})
}

// AskTesters sends a request to a call's testers only (staff).
func (ui *UI) AskTesters() http.Handler {
	return ui.callAction("ask", func(r *http.Request, id int64) (string, string, error) {
		f := r.PostForm
		n, err := ui.app.AskTesters(r.Context(), user(r), id, model.UpdateInput{Title: f.Get("title"), Body: f.Get("body"),
			Question: f.Get("question"), Options: strings.Split(f.Get("options"), "\n")})
		return callURL(id, "call"), fmt.Sprintf("%d people were asked.", n), err
	})
}

// EnrolInCall enrols a community and names its testers (its lead).
func (ui *UI) EnrolInCall() http.Handler {
	return ui.callAction("enrol", func(r *http.Request, id int64) (string, string, error) {
		in := model.EnrolInput{AcknowledgeRisks: r.PostForm.Get("acknowledge_risks") == "1"}
		for _, s := range r.PostForm["people"] {
			uid, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return "", "", fieldProblem("people", "choose people from the list")
			}
			in.People = append(in.People, uid)
		}
		_, err := ui.app.EnrolInCall(r.Context(), user(r), id, r.PostForm.Get("community"), in)
		return callURL(id, "enrol"), "Your community is enrolled. Thank you for testing!", err
	})
}

// LeaveCall withdraws a community (its lead).
func (ui *UI) LeaveCall() http.Handler {
	return ui.callAction("enrol", func(r *http.Request, id int64) (string, string, error) {
		err := ui.app.LeaveCall(r.Context(), user(r), id, r.PostForm.Get("community"))
		return callURL(id, "enrol"), "Your community left this testing call; its reports stay.", err
	})
}

// PostFeedback records a tester's report.
func (ui *UI) PostFeedback() http.Handler {
	return ui.callAction("feedback", func(r *http.Request, id int64) (string, string, error) {
		f := r.PostForm
		fb, err := ui.app.PostFeedback(r.Context(), user(r), id, model.FeedbackInput{Community: f.Get("community"), Outcome: f.Get("outcome"),
			Tried: f.Get("tried"), Summary: f.Get("summary"), Link: f.Get("link"), Answers: trimTrailingEmpty(f["answers"])})
		if err != nil {
			return "", "", err
		}
		return callURL(id, fmt.Sprintf("feedback-%d", fb.ID)), "Thank you: your report was sent to staff.", nil
	})
}

// trimTrailingEmpty drops the empty answers at the end of a form's list.
func trimTrailingEmpty(list []string) []string {
	for len(list) > 0 && strings.TrimSpace(list[len(list)-1]) == "" {
		list = list[:len(list)-1]
	}
	return list
}

// UpdateFeedback changes a report (its author) or responds to it (staff).
// The form names its call, so a failure shows the call page again.
func (ui *UI) UpdateFeedback() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		fid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		var ch app.FeedbackChange
		form := fmt.Sprintf("respond-%d", fid)
		if f.Get("action") == "respond" {
			response, addressed := f.Get("response"), f.Get("addressed") == "1"
			ch.Response, ch.Addressed = &response, &addressed
		} else {
			form = fmt.Sprintf("edit-%d", fid)
			outcome, tried, summary, link := f.Get("outcome"), f.Get("tried"), f.Get("summary"), f.Get("link")
			ch.Outcome, ch.Tried, ch.Summary, ch.Link = &outcome, &tried, &summary, &link
			ch.Answers = append([]string{}, trimTrailingEmpty(f["answers"])...)
		}
		fb, err := ui.app.UpdateFeedback(r.Context(), user(r), fid, ch)
		if err != nil {
			callID, cerr := strconv.ParseInt(f.Get("call"), 10, 64)
			if cerr != nil {
				return err
			}
			return ui.callFailed(w, r, err, callID, form)
		}
		ui.flash(r, "The report was updated.")
		redirect(w, r, callURL(fb.CallID, fmt.Sprintf("feedback-%d", fb.ID)))
		return nil
	})
}

// ConsortiumCredits is a consortium's credits page, for media and outreach.
func (ui *UI) ConsortiumCredits() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		c, err := ui.app.ConsortiumCredits(r.Context(), user(r), r.PathValue("ref"))
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "credits", ui.page(r, "Credits · "+c.Consortium.Name, "consortia", c))
		return nil
	})
}
