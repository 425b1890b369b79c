package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Letters of support: PDF only, checked by content, at most 10 MB, kept in
// the database; a new upload replaces the current letter (which stays as
// history); a letter can be withdrawn.

// UploadLetter stores a community's letter of support for a proposal; the
// community's lead or staff. An upload without a request records the
// endorsement as answered.
func (a *App) UploadLetter(ctx context.Context, actor *model.User, proposalID int64, communityRef, fileName string, content []byte) (*model.ProposalEndorsement, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	if err := model.CheckLetterPDF(content); err != nil {
		return nil, err
	}
	name := letterFileName(fileName)
	sum := sha256.Sum256(content)
	var out *model.ProposalEndorsement
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, c, before, err := a.endorsementFor(ctx, tx, actor, proposalID, communityRef)
		if err != nil {
			return err
		}
		if before == nil || before.Status != model.EndorsementAnswered {
			ans := storage.EndorsementAnswer{Status: model.EndorsementAnswered, ConsentWording: model.ProposalConsentWording(c.Name, p.Title, p.Funder)}
			if before != nil {
				ans.ConsentWording, ans.Consent, ans.RevokedAfterSubmission = before.ConsentWording, before.Consent, before.RevokedAfterSubmission
				if before.Story != nil {
					ans.Story = *before.Story
				}
				if before.Reference != nil {
					ans.Reference = *before.Reference
				}
			}
			if err := tx.AnswerEndorsement(ctx, p.ID, c.ID, ans, actor); err != nil {
				return err
			}
		}
		id, err := tx.AddLetter(ctx, p.ID, c.ID, name, hex.EncodeToString(sum[:]), content, actor)
		if err != nil {
			return err
		}
		if out, err = endorsementOf(ctx, tx, p.ID, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.letter.upload", "proposal", idStr(p.ID), nil,
			map[string]any{"community_id": c.ID, "letter_id": id, "file_name": name, "size": len(content), "sha256": hex.EncodeToString(sum[:])})
	})
	return out, err
}

// letterFileName keeps the base name of an upload, without characters that
// would break a download header, ending in ".pdf".
func letterFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '/' || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	if name == "" || name == "." {
		name = "letter"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return name
}

// WithdrawLetter withdraws a community's current letter (kept as history).
func (a *App) WithdrawLetter(ctx context.Context, actor *model.User, proposalID int64, communityRef string) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		p, c, _, err := a.endorsementFor(ctx, tx, actor, proposalID, communityRef)
		if err != nil {
			return err
		}
		ok, err := tx.WithdrawLetter(ctx, p.ID, c.ID)
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.ENotFound, "%s has no letter of support on this proposal.", c.Name)
		}
		return tx.Audit(ctx, actor, "proposal.letter.withdraw", "proposal", idStr(p.ID), nil, map[string]any{"community_id": c.ID})
	})
}

// Letter returns a letter (current or from the history) of a proposal the
// reader may see, with its file name.
func (a *App) Letter(ctx context.Context, actor *model.User, proposalID, letterID int64) (string, []byte, error) {
	if err := requireSignIn(actor); err != nil {
		return "", nil, err
	}
	p, err := loadVisibleProposal(ctx, a.store, actor, proposalID)
	if err != nil {
		return "", nil, err
	}
	list, err := a.store.ProposalEndorsements(ctx, p.ID)
	if err != nil {
		return "", nil, err
	}
	for _, e := range list {
		for _, l := range append(e.LetterHistory, derefLetter(e.Letter)...) {
			if l.ID == letterID {
				b, err := a.store.LetterContent(ctx, p.ID, letterID)
				return l.FileName, b, err
			}
		}
	}
	return "", nil, model.NotFound(model.EntityLetter, letterID)
}

func derefLetter(l *model.LetterInfo) []model.LetterInfo {
	if l == nil {
		return nil
	}
	return []model.LetterInfo{*l}
}
