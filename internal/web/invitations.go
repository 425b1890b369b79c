package web

import (
	"net/http"
	"net/url"
	"strconv"

	"consortia/internal/app"
	"consortia/internal/identity"
	"consortia/internal/model"
)

type invitationPageData struct {
	Invitation *app.InvitationView
	Token      string
	// SignedInAs: the visitor is signed in as the invited account.
	SignedInAs     bool
	Providers      []app.ProviderInfo
	PasswordSignIn bool
}

func (ui *UI) invitationPage(r *http.Request) (*Page, error) {
	token := r.PathValue("token")
	v, err := ui.app.CheckInvitation(r.Context(), token)
	if err != nil {
		return nil, err
	}
	u := user(r)
	d := &invitationPageData{Invitation: v, Token: token, SignedInAs: u != nil && v.HasAccount && u.Email == v.Email,
		Providers: ui.app.Providers(), PasswordSignIn: ui.app.PasswordSignIn()}
	p := ui.page(r, "Your invitation", "", d)
	p.Form = url.Values{"name": {v.Name}}
	return p, nil
}

// InvitationPage shows an invitation link: a form to create the account,
// or for an address with an account a button to accept while signed in.
func (ui *UI) InvitationPage() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.invitationPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "invitation", p)
		return nil
	})
}

// AcceptInvitation accepts an invitation link and signs the person in.
func (ui *UI) AcceptInvitation() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.invitationPage(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "invitation", p)
			return nil
		}
		f := r.PostForm
		if err := passwordsMatch(f); err != nil {
			ui.formFailed(w, r, err, "invitation", p)
			return nil
		}
		u, err := ui.app.AcceptInvitation(r.Context(), user(r), r.PathValue("token"), app.AcceptInput{Name: f.Get("name"), Password: f.Get("password")})
		if err != nil {
			f.Del("password")
			f.Del("confirm_password")
			ui.formFailed(w, r, err, "invitation", p)
			return nil
		}
		return ui.signedInAfterInvitation(w, r, u, p.Data.(*invitationPageData).Invitation.Invitation)
	})
}

// signedInAfterInvitation starts the person's session (when it is not
// theirs yet) and shows where they arrived.
func (ui *UI) signedInAfterInvitation(w http.ResponseWriter, r *http.Request, u *model.User, inv *model.Invitation) error {
	if cur := user(r); cur == nil || cur.ID != u.ID {
		if err := identity.SignIn(r.Context(), ui.sessions, u); err != nil {
			return err
		}
	}
	if inv.CommunityID != nil {
		ui.flash(r, "Welcome, "+u.Name+": you are now "+article(inv.Role)+" "+inv.Role+" of "+inv.CommunityName+".")
		redirect(w, r, "/communities/"+inv.CommunitySlug)
		return nil
	}
	ui.flash(r, "Welcome, "+u.Name+".")
	redirect(w, r, "/account")
	return nil
}

// AcceptMyInvitation accepts, from the account page, a pending invitation
// sent to the signed-in person's address.
func (ui *UI) AcceptMyInvitation() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		inv, err := ui.app.AcceptMyInvitation(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		return ui.signedInAfterInvitation(w, r, user(r), inv)
	})
}

type adminInvitationsData struct {
	Items       []*model.Invitation
	Total       int
	Page, Pages int
	Status      string
	Statuses    []string
	Communities []*model.Community
	Rows        []app.BulkRow // a bulk list's preview
	Requests    []app.AccessRequest
}

func (ui *UI) adminInvitationsPage(r *http.Request) (*Page, error) {
	if err := app.RequireAdmin(user(r)); err != nil {
		return nil, err
	}
	ctx, u := r.Context(), user(r)
	f := model.InvitationFilter{Status: r.URL.Query().Get("status"), Page: model.Page{Number: pageParam(r), Size: 50}}
	items, total, err := ui.app.ListInvitations(ctx, u, f)
	if err != nil {
		return nil, err
	}
	communities, _, err := ui.app.ListCommunities(ctx, u, model.CommunityFilter{Page: model.Page{Size: 500}})
	if err != nil {
		return nil, err
	}
	requests, err := ui.app.AccessRequests(ctx, u)
	if err != nil {
		return nil, err
	}
	d := &adminInvitationsData{Items: items, Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total),
		Status: f.Status, Statuses: model.InvitationStatuses, Communities: communities, Requests: requests}
	p := ui.page(r, "Invitations", "admin", d)
	p.Form = url.Values{"role": {model.AffiliationMember}}
	return p, nil
}

// AdminInvitations lists invitations with the forms to invite one person
// or a list.
func (ui *UI) AdminInvitations() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.adminInvitationsPage(r)
		if err != nil {
			return err
		}
		if email := r.URL.Query().Get("email"); email != "" {
			p.Form.Set("email", email)
			p.Form.Set("name", r.URL.Query().Get("name"))
		}
		ui.render(w, r, http.StatusOK, "admin_invitations", p)
		return nil
	})
}

// Invite sends one invitation: from the admin area (any community or
// none) or a community page (its leads).
func (ui *UI) Invite() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		ref := r.PathValue("ref")
		in := model.InvitationInput{Email: f.Get("email"), Name: f.Get("name"), Community: f.Get("community"), Role: f.Get("role")}
		if ref != "" {
			in.Community = ref
		}
		inv, err := ui.app.Invite(r.Context(), user(r), in, 0)
		if ref != "" {
			// The community page: a message, back to its people.
			if err != nil {
				if c := model.ErrorCode(err); c != model.EInvalid && c != model.EConflict {
					return err
				}
				ui.flash(r, "Could not invite: "+fieldText(err))
			} else {
				ui.flash(r, "Invitation sent to "+inv.Email+".")
			}
			redirect(w, r, "/communities/"+ref+"#invitations")
			return nil
		}
		if err != nil {
			p, perr := ui.adminInvitationsPage(r)
			if perr != nil {
				return perr
			}
			ui.formFailed(w, r, err, "admin_invitations", p)
			return nil
		}
		ui.flash(r, "Invitation sent to "+inv.Email+".")
		redirect(w, r, "/admin/invitations")
		return nil
	})
}

// InviteMany previews or sends a pasted list or CSV of invitations.
func (ui *UI) InviteMany() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.adminInvitationsPage(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "admin_invitations", p)
			return nil
		}
		preview := r.PostForm.Get("action") != "send"
		rows, sent, err := ui.app.InviteMany(r.Context(), user(r), r.PostForm.Get("list"), preview)
		p.Data.(*adminInvitationsData).Rows = rows
		if err != nil {
			ui.formFailed(w, r, err, "admin_invitations", p)
			return nil
		}
		if preview {
			p.Form = r.PostForm
			ui.render(w, r, http.StatusOK, "admin_invitations", p)
			return nil
		}
		ui.flash(r, strconv.Itoa(len(sent))+" invitations sent.")
		redirect(w, r, "/admin/invitations")
		return nil
	})
}

// InvitationAction resends or revokes an invitation, then goes back to
// the page the form came from.
func (ui *UI) InvitationAction(action string) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		if action == "resend" {
			if _, err := ui.app.ResendInvitation(r.Context(), user(r), id); err != nil {
				return err
			}
			ui.flash(r, "The invitation was sent again with a new link.")
		} else {
			if err := ui.app.RevokeInvitation(r.Context(), user(r), id); err != nil {
				return err
			}
			ui.flash(r, "The invitation was withdrawn; its link no longer works.")
		}
		redirect(w, r, safeNext(r.PostForm.Get("next")))
		return nil
	})
}
