package model

import (
	"fmt"
	"strings"
)

// Sentences for data errors. Storage reports what happened to the data as
// typed errors (storage.NotFoundError names the entity and key that were
// not found, storage.ConstraintError the rule a write broke,
// storage.StaleError the row that changed meanwhile, storage.BusyError a
// transaction the database gave up on); the sentences people read for them
// are written here, once, and storage's errors turn into an *Error with
// these sentences when asked (errors.As).

// Entities as storage names them in NotFoundError and StaleError.
const (
	EntityAffiliation  = "affiliation"
	EntityBudgetRound  = "budget round"
	EntityComment      = "comment"
	EntityCommunity    = "community"
	EntityConsortium   = "consortium"
	EntityDemo         = "demo"
	EntityFundingGoal  = "funding goal"
	EntityInitiative   = "initiative"
	EntityIntroduction = "introduction"
	EntityInvitation   = "invitation"
	EntityLetter       = "letter"
	EntityMatchingPool = "matching pool"
	EntityMeeting      = "meeting"
	EntityMember       = "member"
	EntityNarrative    = "narrative"
	EntityPledge       = "pledge"
	EntityProposal     = "proposal"
	EntitySection      = "section"
	EntityBudgetLine   = "budget line"
	EntityRequest      = "request"
	EntityRound        = "round"
	EntityStatement    = "statement of work"
	EntityTask         = "task"
	EntityTestingCall  = "testing call"
	EntityFeedback     = "feedback report"
	EntityToken        = "token"
)

// NotFoundSentence says that there is no entity with the key: "No funding
// goal 7.", "No community "ruby".". An empty entity gives "Not found.".
func NotFoundSentence(entity string, key any) string {
	switch entity {
	case "":
		return "Not found."
	case EntityAffiliation:
		return "That person is not affiliated with this community."
	case EntityMember:
		return "That community is not a member of this consortium."
	case EntityTask, EntityToken, EntitySection, EntityBudgetLine:
		return "No such " + entity + "."
	}
	if s, ok := key.(string); ok {
		return fmt.Sprintf("No %s %q.", entity, s)
	}
	return fmt.Sprintf("No %s %v.", entity, key)
}

// Reasons a write finds its row changed (StaleSentence's what).
const (
	StaleCommunity       = EntityCommunity
	StaleConsortium      = EntityConsortium
	StaleConsortiumStage = "consortium stage"
	StaleFundingGoal     = EntityFundingGoal
	StaleGoalClosed      = "closed funding goal"
	StaleInitiative      = EntityInitiative
	StaleMeeting         = EntityMeeting
	StaleNarrative       = EntityNarrative
	StaleProposal        = EntityProposal
	StaleProposalStatus  = "proposal status"
	StaleSection         = EntitySection
)

// StaleSentence says that what someone edited changed since they loaded it
// (version: the version they loaded, named where people can compare it).
func StaleSentence(what string, version int64) string {
	switch what {
	case StaleCommunity, StaleInitiative:
		return fmt.Sprintf("This %s was changed by someone else since you loaded it (version %d); reload and try again.", what, version)
	case StaleConsortium, StaleMeeting, StaleNarrative, StaleProposal, StaleSection:
		return "This " + what + " was changed by someone else since you loaded it; reload and try again."
	case StaleProposalStatus:
		return "The proposal's status changed meanwhile; reload and try again."
	case StaleConsortiumStage:
		return "The consortium's stage changed meanwhile; reload and try again."
	case StaleFundingGoal:
		return "The goal was changed or closed by someone else; reload it and try again."
	case StaleGoalClosed:
		return "The goal is already closed."
	}
	return "This was changed by someone else meanwhile; reload and try again."
}

// BusySentence is what people read when the database gave up on a
// transaction that clashed with another (serialization failure, deadlock).
const BusySentence = "A concurrent change interfered; please try again."

// Rules (constraints) whose breach people are told about in their own
// words. Storage names the rule a statement can break; a rule without a
// sentence here gets the generic sentence of its kind.
const (
	RuleOneOpenGoal           = "funding_goals_one_open"
	RuleOneLivePledge         = "pledges_one_live"
	RuleOneMembership         = "consortium_members_unique"
	RuleRoundCandidate        = "round_candidates_initiative"
	RuleRoundWeight           = "round_weights_community"
	RuleBudgetCandidate       = "budget_candidates_initiative"
	RuleConsortiumNarrative   = "consortium_narratives_narrative"
	RuleConsortiumInitiative  = "consortium_initiatives_initiative"
	constraintUnique          = "unique"
	existingReferenceSentence = "A referenced record does not exist or is still in use."
)

// ErrAlreadyPledged is the error for a second live pledge of a community
// towards one goal.
func ErrAlreadyPledged() *Error {
	return &Error{Code: EConflict, Message: "This community has already pledged towards this goal; withdraw that pledge to make a new one.",
		Fields: []FieldError{{Field: "community", Message: "has already pledged towards this goal"}}}
}

// ConstraintProblem is the error people see when a write breaks a rule:
// kind is "unique", "foreign_key" or "check"; detail is the database's own
// description, used only to guess the field of a generic unique breach.
func ConstraintProblem(rule, kind, detail string) *Error {
	invalid := func(field, msg string) *Error {
		var p Problems
		p.Add(field, "%s", msg)
		return p.Err().(*Error)
	}
	switch rule {
	case RuleOneOpenGoal:
		return Errorf(EConflict, "There is already an open funding goal for this; close it before starting another.")
	case RuleOneLivePledge:
		return ErrAlreadyPledged()
	case RuleOneMembership:
		return Errorf(EConflict, "That community is already a member of this consortium; change its roles instead.")
	case RuleRoundCandidate, RuleBudgetCandidate, RuleConsortiumInitiative:
		field := "candidate_ids"
		if rule == RuleConsortiumInitiative {
			field = "initiative_ids"
		}
		return invalid(field, "names an initiative that does not exist")
	case RuleRoundWeight:
		return invalid("weights", "names a community that does not exist")
	case RuleConsortiumNarrative:
		return invalid("narrative_ids", "names a narrative that does not exist")
	}
	if kind == constraintUnique {
		return &Error{Code: EConflict, Message: "This already exists.", Fields: takenField(rule + " " + detail)}
	}
	return Errorf(EConflict, existingReferenceSentence)
}

// takenField guesses which input field a generic unique breach concerns.
func takenField(detail string) []FieldError {
	for _, f := range []string{"slug", "email"} {
		if strings.Contains(detail, f) {
			return []FieldError{{Field: f, Message: "is already taken"}}
		}
	}
	return nil
}

// NotFound is the error for an entity that does not exist or that the
// actor may not see (the two look the same).
func NotFound(entity string, key any) *Error {
	return &Error{Code: ENotFound, Message: NotFoundSentence(entity, key)}
}
