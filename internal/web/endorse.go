package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"consortia/internal/app"
	"consortia/internal/model"
)

// The answer page of an endorsement request (/endorse/{token}): the link in
// the email is signed for one lead of the community, who answers there
// without signing in — consent to be named with the exact wording, a story,
// a reference contact, a letter of support, or a decline.

type endorseData struct {
	*app.EndorsementLinkPage
	Token string
	Story storyFields
}

func (ui *UI) endorsePage(r *http.Request) (*Page, error) {
	token := r.PathValue("token")
	lp, err := ui.app.CheckEndorsementLink(r.Context(), token)
	if err != nil {
		return nil, err
	}
	d := &endorseData{EndorsementLinkPage: lp, Token: token, Story: storyFields{Form: "answer"}}
	if lp.Endorsement.Story != nil {
		d.Story.Story = *lp.Endorsement.Story
	}
	p := ui.page(r, "Endorse “"+lp.Proposal.Title+"”", "", d)
	d.Story.Page = p
	return p, nil
}

// EndorsePage shows the request and the answer forms; it records nothing.
func (ui *UI) EndorsePage() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.endorsePage(r)
		if err != nil {
			return err
		}
		// The link must not leak through the Referer of later clicks.
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "endorse", p)
		return nil
	})
}

// endorseFailed shows the page again with the form's problems.
func (ui *UI) endorseFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	return ui.inlineFormFailed(w, r, err, form, "endorse", ui.endorsePage)
}

// EndorseAnswer records the answer as the lead the link was sent to.
func (ui *UI) EndorseAnswer() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		story := storyFromForm(r)
		in := model.ProposalEndorsementInput{ConsentToBeNamed: f.Get("consent") == "1", Story: &story,
			Reference: &model.Reference{Name: f.Get("reference.name"), Email: f.Get("reference.email"), Role: f.Get("reference.role")},
			Decline:   f.Get("action") == "decline"}
		if in.Decline {
			in.ConsentToBeNamed, in.Story, in.Reference = false, nil, nil
		}
		if _, err := ui.app.AnswerEndorsementByLink(r.Context(), r.PathValue("token"), in); err != nil {
			return ui.endorseFailed(w, r, err, "answer")
		}
		if in.Decline {
			ui.flash(r, "Recorded: you decline this request. Thank you for answering.")
		} else {
			ui.flash(r, "Your answer is recorded. Thank you!")
		}
		redirect(w, r, "/endorse/"+url.PathEscape(r.PathValue("token")))
		return nil
	})
}

// EndorseLetter stores the uploaded letter of support (multipart, field file).
func (ui *UI) EndorseLetter() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return model.TooLarge(mbe.Limit)
			}
			return ui.endorseFailed(w, r, fieldProblem("file", "choose a PDF file to upload"), "letter")
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			return ui.endorseFailed(w, r, fieldProblem("file", "choose a PDF file to upload"), "letter")
		}
		defer file.Close()
		body, err := io.ReadAll(io.LimitReader(file, model.MaxLetterBytes+1))
		if err != nil {
			return err
		}
		if _, err := ui.app.UploadLetterByLink(r.Context(), r.PathValue("token"), hdr.Filename, body); err != nil {
			return ui.endorseFailed(w, r, err, "letter")
		}
		ui.flash(r, "Your letter of support is uploaded. Thank you!")
		redirect(w, r, "/endorse/"+url.PathEscape(r.PathValue("token")))
		return nil
	})
}

// EndorseWithdrawLetter withdraws the current letter (kept as history).
func (ui *UI) EndorseWithdrawLetter() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := ui.app.WithdrawLetterByLink(r.Context(), r.PathValue("token")); err != nil {
			return ui.endorseFailed(w, r, err, "letter")
		}
		ui.flash(r, "Your letter of support is withdrawn; it stays in the history.")
		redirect(w, r, "/endorse/"+url.PathEscape(r.PathValue("token")))
		return nil
	})
}
