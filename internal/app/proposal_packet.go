package app

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"consortia/internal/markdown"
	"consortia/internal/model"
	"consortia/internal/pdfdoc"
	"consortia/internal/proposalbudget"
)

// The proposal packet: one PDF from the proposal as the reader may see it,
// naming only communities whose consent to be named holds now, and a ZIP
// with that PDF and the letters of those communities, written one letter at
// a time.

// packetSource is what a packet is made of for one reader.
type packetSource struct {
	doc     pdfdoc.Packet
	letters []packetLetter
	slug    string
}

type packetLetter struct {
	id   int64
	name string
}

// packetFor assembles the packet for the reader: initiatives the reader may
// see, consented collaborators, stories (named only with consent; stories of
// narratives the initiatives belong to, from communities that consented to
// be named for the area) and the letters of consenting communities.
func (a *App) packetFor(ctx context.Context, actor *model.User, proposalID int64) (*packetSource, error) {
	v, err := a.GetProposal(ctx, actor, proposalID)
	if err != nil {
		return nil, err
	}
	p := v.Proposal
	src := &packetSource{slug: fmt.Sprintf("proposal-%d", p.ID)}
	lead := "The host organization"
	if p.LeadCommunity != nil {
		lead = fmt.Sprintf("%s (the host organization is %s)", p.LeadCommunity.Name, p.HostRole)
	}
	src.doc = pdfdoc.Packet{Title: p.Title, Funder: joinNonEmpty(" — ", p.Funder, p.Programme), Lead: lead, Deadline: p.LocalDeadline(),
		Amount: p.Amount, Summary: markdown.PlainText(p.Summary), GeneratedAt: a.now()}

	var ids []int64
	narratives := map[int64]bool{}
	for _, it := range v.Initiatives {
		ids = append(ids, it.ID)
	}
	if len(ids) > 0 {
		list, _, err := a.store.ListInitiatives(ctx, model.InitiativeFilter{IDs: ids, Page: model.Page{Size: model.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		if err := a.costs(ctx, list...); err != nil {
			return nil, err
		}
		slices.SortFunc(list, func(x, y *model.Initiative) int { return slices.Index(ids, x.ID) - slices.Index(ids, y.ID) })
		for _, in := range list {
			src.doc.Initiatives = append(src.doc.Initiatives, pdfdoc.Initiative{Title: in.Title, Problem: markdown.PlainText(in.Problem),
				Solution: markdown.PlainText(in.Solution),
				Estimate: pdfdoc.Estimate{HoursLow: in.HoursLow, HoursHigh: in.HoursHigh, CostLow: in.CostLow, CostHigh: in.CostHigh}})
			for _, n := range in.Narratives {
				narratives[n.ID] = true
			}
		}
	}

	budgetOf(v, &src.doc)

	list, err := a.store.ProposalEndorsements(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		named := e.Consent.Given
		if named {
			src.doc.Collaborators = append(src.doc.Collaborators, pdfdoc.Collaborator{Name: e.Community.Name, Wording: e.Consent.Wording})
		}
		if e.Story != nil {
			s := storyOf(*e.Story)
			if named {
				s.Community = e.Community.Name
			}
			src.doc.Stories = append(src.doc.Stories, s)
		}
		if named && e.Letter != nil {
			src.doc.Letters = append(src.doc.Letters, pdfdoc.Letter{Community: e.Community.Name, FileName: e.Letter.FileName, Size: e.Letter.Size, Uploaded: e.Letter.UploadedAt})
			src.letters = append(src.letters, packetLetter{id: e.Letter.ID, name: fmt.Sprintf("letters/%02d-%s-%s", len(src.letters)+1, e.Community.Slug, e.Letter.FileName)})
		}
	}
	// A community that revoked its consent on this proposal is not named for
	// a narrative's area in it either.
	revoked := map[int64]bool{}
	for _, e := range list {
		revoked[e.Community.ID] = !e.Consent.Given && e.Consent.ByName != ""
	}
	if err := a.narrativeSupport(ctx, actor, narratives, revoked, &src.doc); err != nil {
		return nil, err
	}
	return src, nil
}

// narrativeSupport adds the stories and names of communities that endorse
// the narratives the proposal's initiatives belong to, when they consented
// to be named for the area (proposals reuse narrative endorsements); a
// community already named on the proposal is not named twice, and one that
// revoked its consent on the proposal is not named at all.
func (a *App) narrativeSupport(ctx context.Context, actor *model.User, ids, revoked map[int64]bool, doc *pdfdoc.Packet) error {
	keys := make([]int64, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	slices.Sort(keys)
	for _, id := range keys {
		n, err := a.GetNarrative(ctx, actor, idStr(id))
		if model.ErrorCode(err) == model.ENotFound {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range n.Endorsements {
			if !e.Consent.Given || revoked[e.Community.ID] {
				continue
			}
			if !slices.ContainsFunc(doc.Collaborators, func(c pdfdoc.Collaborator) bool { return c.Name == e.Community.Name }) {
				doc.Collaborators = append(doc.Collaborators, pdfdoc.Collaborator{Name: e.Community.Name, Wording: e.Consent.Wording})
			}
			if e.Story != nil {
				s := storyOf(*e.Story)
				s.Community = e.Community.Name + " (on “" + n.Title + "”)"
				doc.Stories = append(doc.Stories, s)
			}
		}
	}
	return nil
}

// budgetOf copies the proposal's budget table (estimates × rate, added
// lines, overhead; exact totals) and says the host's and the lead's shares.
func budgetOf(v *ProposalView, doc *pdfdoc.Packet) {
	t := v.Budget
	if t == nil {
		return
	}
	money := func(a int64) model.Money { return model.Money{Amount: a, Currency: t.Currency} }
	for _, r := range t.Rows {
		doc.Budget = append(doc.Budget, pdfdoc.BudgetLine{Label: r.Label, Low: money(r.Amount.Low), High: money(r.Amount.High)})
	}
	share := func(r proposalbudget.Range) string { return money(r.Low).String() + "–" + money(r.High).String() }
	switch {
	case v.LeadCommunity != nil:
		doc.BudgetNotes = append(doc.BudgetNotes, fmt.Sprintf("The host organization's share (as %s): %s. %s's share: %s.",
			v.HostRole, share(t.Host), v.LeadCommunity.Name, share(t.Lead)))
	case len(t.Rows) > 0:
		doc.BudgetNotes = append(doc.BudgetNotes, "The host organization leads and carries the whole budget: "+share(t.Host)+".")
	}
	if len(t.Skipped) > 0 {
		doc.BudgetNotes = append(doc.BudgetNotes, "Left out of the budget (estimated in another currency): "+strings.Join(t.Skipped, ", ")+".")
	}
}

func storyOf(s model.Story) pdfdoc.Story {
	return pdfdoc.Story{Who: s.Who, Before: s.Before, After: s.After, Quote: s.Quote, Numbers: s.Numbers}
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// PacketPDF renders the proposal packet for the reader, with its file name.
func (a *App) PacketPDF(ctx context.Context, actor *model.User, proposalID int64) (string, []byte, error) {
	if err := requireSignIn(actor); err != nil {
		return "", nil, err
	}
	src, err := a.packetFor(ctx, actor, proposalID)
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := pdfdoc.WritePacket(&buf, src.doc); err != nil {
		return "", nil, err
	}
	return src.slug + "-packet.pdf", buf.Bytes(), nil
}

// PacketZIP checks that the reader may have the packet and returns its file
// name and a function that writes the ZIP: the packet PDF, then each letter
// of a consenting community, read from the database one at a time, so
// memory holds one letter however many there are. Letters are stored
// uncompressed (PDFs are compressed already).
func (a *App) PacketZIP(ctx context.Context, actor *model.User, proposalID int64) (string, func(io.Writer) error, error) {
	if err := requireSignIn(actor); err != nil {
		return "", nil, err
	}
	src, err := a.packetFor(ctx, actor, proposalID)
	if err != nil {
		return "", nil, err
	}
	write := func(w io.Writer) error {
		z := zip.NewWriter(w)
		add := func(name string, modified time.Time, body []byte) error {
			f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: modified})
			if err != nil {
				return err
			}
			_, err = f.Write(body)
			return err
		}
		var pdf bytes.Buffer
		if err := pdfdoc.WritePacket(&pdf, src.doc); err != nil {
			return err
		}
		if err := add(src.slug+"-packet.pdf", src.doc.GeneratedAt, pdf.Bytes()); err != nil {
			return err
		}
		for i, l := range src.letters {
			body, err := a.store.LetterContent(ctx, proposalID, l.id)
			if err != nil {
				return err
			}
			if err := add(l.name, src.doc.Letters[i].Uploaded, body); err != nil {
				return err
			}
		}
		return z.Close()
	}
	return src.slug + "-packet.zip", write, nil
}
