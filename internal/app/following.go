package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// FollowInitiative starts (on) or stops the actor's following of an
// initiative they may see: followers hear of its comments and status
// changes.
func (a *App) FollowInitiative(ctx context.Context, actor *model.User, ref string, on bool) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		s, err := loadThreadSubject(ctx, tx, actor, model.ThreadInitiative, ref)
		if err != nil {
			return err
		}
		was, err := tx.Following(ctx, s.ID, actor.ID)
		if err != nil || was == on {
			return err
		}
		if err := tx.SetFollowing(ctx, s.ID, actor.ID, on); err != nil {
			return err
		}
		action := "initiative.follow"
		if !on {
			action = "initiative.unfollow"
		}
		return tx.Audit(ctx, actor, action, "initiative", idStr(s.ID), was, on)
	})
}

// followersWhoSee lists the followers of an initiative who may still see
// it, leaving out the ones in skip.
func followersWhoSee(ctx context.Context, tx *storage.Tx, s *threadSubject, skip map[int64]bool) ([]int64, error) {
	people, err := tx.Followers(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	return whoSee(ctx, tx, people, s, skip)
}

// tellFollowers notifies an initiative's followers (but those in told) of
// a new comment.
func (a *App) tellFollowers(ctx context.Context, tx *storage.Tx, actor *model.User, s *threadSubject, c *model.Comment, told map[int64]bool) error {
	to, err := followersWhoSee(ctx, tx, s, told)
	if err != nil || len(to) == 0 {
		return err
	}
	e := commentEvent(model.EventCommentPosted, actor.Name+" commented on "+s.Title, s, c)
	e.To = to
	return a.emit(ctx, tx, actor, e, nil)
}

// statusFollowers lists who follows an initiative that moved, for its
// status events (never the person who moved it).
func statusFollowers(ctx context.Context, tx *storage.Tx, actor *model.User, in *model.Initiative) ([]int64, error) {
	s := &threadSubject{Kind: model.ThreadInitiative, ID: in.ID}
	skip := map[int64]bool{}
	if actor != nil {
		skip[actor.ID] = true
	}
	return followersWhoSee(ctx, tx, s, skip)
}
