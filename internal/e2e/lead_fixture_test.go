package e2e

import (
	"context"
	"testing"

	"consortia/internal/model"
)

// memberLead adds Lee Lead (lead@example.org), the lead of the community
// Alpha, public initiatives with the given titles and a consortium named
// name holding them, which Alpha joins with role. It returns the lead, the
// consortium and the initiatives in the order of titles.
func (s *site) memberLead(t *testing.T, name, role string, titles ...string) (*model.User, *model.Consortium, []*model.Initiative) {
	t.Helper()
	ctx := context.Background()
	lead, err := s.app.CreateUser(ctx, nil, model.UserInput{Email: "lead@example.org", Name: "Lee Lead", Role: model.RoleMember}, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.CreateCommunity(ctx, s.admin, model.CommunityInput{Slug: "alpha", Name: "Alpha", Kind: "university"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.SetAffiliation(ctx, s.admin, "alpha", lead.Email, model.AffiliationLead); err != nil {
		t.Fatal(err)
	}
	var list []*model.Initiative
	var ids []int64
	for _, title := range titles {
		in, err := s.app.CreateInitiative(ctx, s.admin, model.InitiativeInput{Title: title, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		list, ids = append(list, in), append(ids, in.ID)
	}
	c, err := s.app.ProposeConsortium(ctx, s.admin, model.ConsortiumInput{Name: name, Problem: "Which first?", InitiativeIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Join(ctx, s.admin, c.Slug, "alpha", model.MemberInput{Roles: []string{role}}); err != nil {
		t.Fatal(err)
	}
	return lead, c, list
}
