package web

import (
	"fmt"
	"net/http"
	"strings"

	"consortia/internal/model"
)

// A proposal's endorsements page (/proposals/{id}/endorsements): the status
// per community with what each answered and its letters, the request and
// reminder forms for staff and the lead community, the packet downloads,
// and for a community's lead the way to its answer page and to revoke
// consent.

func (ui *UI) endorsementsPage(r *http.Request) (*Page, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := ui.app.ProposalEndorsements(r.Context(), user(r), id)
	if err != nil {
		return nil, err
	}
	return ui.page(r, "Endorsements: "+v.Proposal.Title, "", v), nil
}

// ProposalEndorsements shows the page.
func (ui *UI) ProposalEndorsements() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.endorsementsPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "proposal_endorsements", p)
		return nil
	})
}

// inlineFormFailed shows a page again with one of its forms' problems (any other
// error goes to the error page): build makes the page, name is its template.
func (ui *UI) inlineFormFailed(w http.ResponseWriter, r *http.Request, err error, form, name string, build func(*http.Request) (*Page, error)) error {
	if !inputProblem(err) {
		return err
	}
	p, perr := build(r)
	if perr != nil {
		return perr
	}
	ui.inlineFailed(w, r, err, form, name, p)
	return nil
}

func (ui *UI) endorsementsFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.inlineFormFailed(w, r, err, form, "proposal_endorsements", ui.endorsementsPage)
}

// proposalHandler is a handler of a proposal's endorsements, letters or
// packet: the proposal's id comes from the path.
func (ui *UI) proposalHandler(h func(w http.ResponseWriter, r *http.Request, id int64) error) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return h(w, r, id)
	})
}

func endorsementsURL(id int64) string { return fmt.Sprintf("/proposals/%d/endorsements", id) }

// RequestProposalEndorsements asks communities (staff, the lead community).
func (ui *UI) RequestProposalEndorsements() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		in := model.EndorsementRequestInput{Message: f.Get("message"), ConsentWording: f.Get("consent_wording"),
			Asks: model.EndorsementAsks{Letter: f.Get("ask_letter") == "1", Story: f.Get("ask_story") == "1",
				Consent: f.Get("ask_consent") == "1", Reference: f.Get("ask_reference") == "1"}}
		for _, c := range strings.Split(f.Get("communities"), ",") {
			if c = strings.TrimSpace(c); c != "" {
				in.Communities = append(in.Communities, c)
			}
		}
		asked, err := ui.app.RequestEndorsements(r.Context(), user(r), id, in)
		if err != nil {
			return ui.endorsementsFailed(w, r, err, "request")
		}
		ui.flash(r, "Asked "+communities(len(asked))+"; their leads have the request by email.")
		redirect(w, r, endorsementsURL(id))
		return nil
	})
}

// communities says "1 community" or "3 communities".
func communities(n int) string {
	if n == 1 {
		return "1 community"
	}
	return fmt.Sprintf("%d communities", n)
}

// RemindProposalEndorsements reminds the communities that have not answered.
func (ui *UI) RemindProposalEndorsements() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		n, err := ui.app.RemindEndorsements(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		ui.flash(r, "Reminded "+communities(n)+".")
		redirect(w, r, endorsementsURL(id))
		return nil
	})
}

// RevokeProposalConsent revokes a community's consent (its lead).
func (ui *UI) RevokeProposalConsent() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		e, err := ui.app.RevokeConsent(r.Context(), user(r), id, r.PathValue("community"))
		if err != nil {
			return ui.endorsementsFailed(w, r, err, "revoke")
		}
		ui.flash(r, e.Community.Name+" is no longer named: nothing made from now on names it.")
		redirect(w, r, endorsementsURL(id))
		return nil
	})
}

// AnswerProposalEndorsement sends a signed-in lead to their community's
// answer page.
func (ui *UI) AnswerProposalEndorsement() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		link, err := ui.app.AnswerLinkFor(r.Context(), user(r), id, r.PathValue("community"))
		if err != nil {
			return err
		}
		http.Redirect(w, r, link, http.StatusSeeOther)
		return nil
	})
}

// ProposalLetter downloads a letter of support.
func (ui *UI) ProposalLetter() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		letter, err := pathID(r, "letter")
		if err != nil {
			return err
		}
		name, body, err := ui.app.Letter(r.Context(), user(r), id, letter)
		if err != nil {
			return err
		}
		return sendFile(w, model.LetterContentType, name, body)
	})
}

// ProposalPacketPDF downloads the packet.
func (ui *UI) ProposalPacketPDF() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		name, body, err := ui.app.PacketPDF(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		return sendFile(w, "application/pdf", name, body)
	})
}

// ProposalPacketZIP downloads the packet with the letters, streamed.
func (ui *UI) ProposalPacketZIP() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		name, write, err := ui.app.PacketZIP(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		setDownload(w, "application/zip", name)
		if err := write(w); err != nil {
			ui.log.ErrorContext(r.Context(), "packet zip", "proposal", id, "err", err)
		}
		return nil
	})
}

// setDownload sets the headers of a private file download.
func setDownload(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
}

// sendFile answers with a file to save.
func sendFile(w http.ResponseWriter, contentType, name string, body []byte) error {
	setDownload(w, contentType, name)
	_, err := w.Write(body)
	return err
}
