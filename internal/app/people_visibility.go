package app

import (
	"context"

	"consortia/internal/model"
)

// peopleViewer knows what one viewer may see of people
// (model.CanSeeAccountDetails), with the viewer's affiliations loaded once.
type peopleViewer struct {
	user         *model.User
	affiliations []model.Affiliation
}

func (a *App) peopleViewer(ctx context.Context, actor *model.User) (*peopleViewer, error) {
	v := &peopleViewer{user: actor}
	if !model.SignedIn(actor) || actor.IsAdmin() {
		return v, nil // staff see everything, visitors nothing: no need to look
	}
	var err error
	v.affiliations, err = a.store.AffiliationsOfUser(ctx, actor.ID)
	return v, err
}

// person returns p as the viewer may see it: without email address,
// account role and account times unless the viewer may see them.
func (v *peopleViewer) person(p Person) Person {
	if model.CanSeeAccountDetails(v.user, v.affiliations, p.ID, p.Affiliations) {
		return p
	}
	p.User = &model.User{ID: p.ID, Name: p.Name}
	affs := make([]model.Affiliation, len(p.Affiliations))
	for i, a := range p.Affiliations {
		a.UserEmail = ""
		affs[i] = a
	}
	p.Affiliations = affs
	return p
}

// communityPeople blanks the addresses in a community's affiliations that
// the viewer may not see. A person's other communities matter only when
// the viewer leads some community, so only then are they loaded.
func (a *App) communityPeople(ctx context.Context, v *peopleViewer, people []model.Affiliation) error {
	byUser := map[int64][]model.Affiliation{}
	if len(ledCommunities(v.affiliations)) > 0 {
		ids := make([]int64, len(people))
		for i, p := range people {
			ids[i] = p.UserID
		}
		var err error
		if byUser, err = a.store.AffiliationsOfUsers(ctx, ids); err != nil {
			return err
		}
	}
	for i, p := range people {
		if !model.CanSeeAccountDetails(v.user, v.affiliations, p.UserID, byUser[p.UserID]) {
			people[i].UserEmail = ""
		}
	}
	return nil
}

// ledCommunities lists the communities the affiliations make their person
// a lead of.
func ledCommunities(affs []model.Affiliation) []int64 {
	var ids []int64
	for _, a := range affs {
		if a.Role == model.AffiliationLead {
			ids = append(ids, a.CommunityID)
		}
	}
	return ids
}
