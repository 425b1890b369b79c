package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"consortia/internal/model"
)

type communitiesData struct {
	Items   []*model.Community
	Total   int
	Page    int
	Pages   int
	Filter  model.CommunityFilter
	Tags    []model.TagCount
	CanEdit bool
}

// Communities lists communities with search, filters and pages.
func (ui *UI) Communities() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		f := model.CommunityFilter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Tag: q.Get("tag"),
			Tier: q.Get("tier"), IncludeArchived: q.Get("archived") == "1", Page: model.Page{Number: pageParam(r), Size: 12}}
		items, total, err := ui.app.ListCommunities(r.Context(), user(r), f)
		if err != nil {
			return err
		}
		tags, err := ui.app.CommunityTags(r.Context())
		if err != nil {
			return err
		}
		d := communitiesData{Items: items, Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total),
			Filter: f, Tags: tags, CanEdit: model.CanManageCommunities(user(r))}
		ui.render(w, r, http.StatusOK, "communities", ui.page(r, "Communities", "communities", d))
		return nil
	})
}

type communityData struct {
	*model.Community
	People  []model.Affiliation
	CanEdit bool
	IsAdmin bool
	// Consortia it takes part in, with its roles in each.
	Consortia []communityConsortium
	// Discovery: other communities with this problem, and communities
	// that already solved something like it, each with reasons.
	Similar []model.Peer
	Solved  []model.Peer
	// Connections: the introductions credited to it, as the reader may see them.
	Connections []*model.Introduction
	// Invitations to it, for its editors.
	Invitations []*model.Invitation
}

// communityConsortium is a consortium a community is a member of.
type communityConsortium struct {
	*model.Consortium
	Member model.Member
}

// Community shows one community.
func (ui *UI) Community() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, u := r.Context(), user(r)
		v, err := ui.app.GetCommunity(ctx, u, r.PathValue("ref"))
		if err != nil {
			return err
		}
		if toSlugURL(w, r, v.Slug) {
			return nil
		}
		d := communityData{Community: v.Community, People: v.People, CanEdit: v.CanEdit, IsAdmin: u.IsAdmin()}
		members, byID, err := ui.app.CommunityConsortia(ctx, u, v.ID)
		if err != nil {
			return err
		}
		for _, m := range members {
			d.Consortia = append(d.Consortia, communityConsortium{Consortium: byID[m.ConsortiumID], Member: m})
		}
		if v.CanEdit && v.ArchivedAt == nil {
			if d.Invitations, _, err = ui.app.ListInvitations(ctx, u, model.InvitationFilter{CommunityID: v.ID, Page: model.Page{Size: 20}}); err != nil {
				return err
			}
		}
		if d.Similar, d.Solved, err = ui.app.CommunityPeers(ctx, u, v.Community); err != nil {
			return err
		}
		if d.Connections, err = ui.app.Connections(ctx, u, v.Slug); err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "community", ui.page(r, v.Name, "communities", d))
		return nil
	})
}

// NewCommunityForm shows an empty community form (staff).
func (ui *UI) NewCommunityForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if !model.CanManageCommunities(user(r)) {
			return denied(r, "Only the host organization's staff can add communities.")
		}
		p := ui.page(r, "New community", "communities", communityForm{New: true, IsAdmin: true})
		p.Form = map[string][]string{"kind": {"university"}}
		ui.render(w, r, http.StatusOK, "community_form", p)
		return nil
	})
}

// denied is 401 for visitors and 403 for people signed in.
func denied(r *http.Request, msg string) error {
	if user(r) == nil {
		return model.Errorf(model.EUnauthorized, "Please sign in.")
	}
	return model.Errorf(model.EForbidden, "%s", msg)
}

type communityForm struct {
	New     bool
	Slug    string
	Version int64
	IsAdmin bool
}

// communityInput reads the community form.
func communityInput(r *http.Request) (model.CommunityInput, error) {
	f := r.PostForm
	in := model.CommunityInput{Slug: f.Get("slug"), Name: f.Get("name"), Kind: f.Get("kind"), Website: f.Get("website"),
		Description: f.Get("description"), Tags: model.SplitTags(f.Get("tags")), Tier: f.Get("tier"),
		SupportContact: f.Get("support_contact"), HostedServices: f.Get("hosted_services")}
	if s := strings.TrimSpace(f.Get("member_since")); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			var p model.Problems
			p.Add("member_since", "must be a date like 2024-09-01")
			return in, p.Err()
		}
		in.MemberSince = &t
	}
	return in, nil
}

// CreateCommunity handles the new-community form.
func (ui *UI) CreateCommunity() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := ui.page(r, "New community", "communities", communityForm{New: true, IsAdmin: user(r).IsAdmin()})
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "community_form", p)
			return nil
		}
		in, err := communityInput(r)
		if err != nil {
			ui.formFailed(w, r, err, "community_form", p)
			return nil
		}
		c, err := ui.app.CreateCommunity(r.Context(), user(r), in)
		if err != nil {
			ui.formFailed(w, r, err, "community_form", p)
			return nil
		}
		ui.flash(r, c.Name+" was added.")
		redirect(w, r, "/communities/"+c.Slug)
		return nil
	})
}

// EditCommunityForm shows the edit form (staff or the community's lead).
func (ui *UI) EditCommunityForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		v, err := ui.app.GetCommunity(r.Context(), user(r), r.PathValue("ref"))
		if err != nil {
			return err
		}
		if !v.CanEdit {
			return denied(r, "Only the host organization's staff and this community's leads can edit it.")
		}
		c := v.Community
		p := ui.page(r, "Edit "+c.Name, "communities", communityForm{Slug: c.Slug, Version: c.Version, IsAdmin: user(r).IsAdmin()})
		p.Form = map[string][]string{"slug": {c.Slug}, "name": {c.Name}, "kind": {c.Kind}, "website": {c.Website},
			"description": {c.Description}, "tags": {strings.Join(c.Tags, ", ")}, "tier": {c.Tier},
			"member_since": {isoDate(c.MemberSince)}, "support_contact": {c.SupportContact},
			"hosted_services": {c.HostedServices}, "version": {strconv.FormatInt(c.Version, 10)}}
		ui.render(w, r, http.StatusOK, "community_form", p)
		return nil
	})
}

func isoDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// UpdateCommunity handles the edit form.
func (ui *UI) UpdateCommunity() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		p := ui.page(r, "Edit community", "communities", communityForm{Slug: ref, Version: version, IsAdmin: user(r).IsAdmin()})
		in, err := communityInput(r)
		if err != nil {
			ui.formFailed(w, r, err, "community_form", p)
			return nil
		}
		c, err := ui.app.UpdateCommunity(r.Context(), user(r), ref, version, in)
		if err != nil {
			ui.formFailed(w, r, err, "community_form", p)
			return nil
		}
		ui.flash(r, "Saved your changes to "+c.Name+".")
		redirect(w, r, "/communities/"+c.Slug)
		return nil
	})
}

// ArchiveCommunity archives or restores a community (staff).
func (ui *UI) ArchiveCommunity(archived bool) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		c, err := ui.app.ArchiveCommunity(r.Context(), user(r), r.PathValue("ref"), archived)
		if err != nil {
			return err
		}
		if archived {
			ui.flash(r, c.Name+" was archived. It no longer appears in lists; you can restore it from its page.")
		} else {
			ui.flash(r, c.Name+" was restored.")
		}
		redirect(w, r, "/communities/"+c.Slug)
		return nil
	})
}

// AddAffiliation adds a person to a community, or changes their role.
func (ui *UI) AddAffiliation() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := parseForm(r); err != nil {
			return err
		}
		a, err := ui.app.SetAffiliation(r.Context(), user(r), ref, r.PostForm.Get("email"), r.PostForm.Get("role"))
		if err != nil {
			if model.ErrorCode(err) == model.EInvalid {
				ui.flash(r, "Could not add that person: "+fieldText(err))
				redirect(w, r, "/communities/"+ref+"#people")
				return nil
			}
			return err
		}
		ui.flash(r, a.UserName+" is now "+article(a.Role)+" "+a.Role+" of "+a.CommunityName+".")
		redirect(w, r, "/communities/"+a.CommunitySlug+"#people")
		return nil
	})
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func fieldText(err error) string {
	var parts []string
	for _, f := range model.ErrorFields(err) {
		parts = append(parts, f.Field+" "+f.Message)
	}
	if len(parts) == 0 {
		return model.ErrorMessage(err)
	}
	return strings.Join(parts, "; ")
}

// RemoveAffiliation removes a person from a community.
func (ui *UI) RemoveAffiliation() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		id, err := pathID(r, "user")
		if err != nil {
			return err
		}
		if err := ui.app.RemoveAffiliation(r.Context(), user(r), ref, id); err != nil {
			return err
		}
		ui.flash(r, "Removed.")
		redirect(w, r, "/communities/"+ref+"#people")
		return nil
	})
}
