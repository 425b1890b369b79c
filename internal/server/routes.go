package server

import (
	"log/slog"
	"net/http"

	"consortia/internal/api"
	"consortia/internal/app"
	"consortia/internal/web"
)

// addRoutes lists every route of the application, top to bottom. The JSON
// API's operations are listed in internal/api/routes.go.
func addRoutes(mux *http.ServeMux, a *app.App, ui *web.UI, cfg Config, log *slog.Logger) {
	// Operations.
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(a))
	// GET /metrics is not a public route: NewServer serves it to holders of
	// the metrics token only, MetricsListener on a private address.

	// JSON API, /api/v1/…
	openapi := api.Register(mux, a, cfg.BaseURL, cfg.Version, log)
	mux.Handle("GET /api/v1/{$}", http.RedirectHandler("/api", http.StatusFound))
	mux.Handle("/api/", ui.APINotFound())

	// Web pages.
	mux.Handle("GET /static/", ui.Static())
	mux.Handle("GET /favicon.ico", ui.Favicon())
	mux.Handle("GET /{$}", ui.Home())
	mux.Handle("GET /api", ui.APIDocs(openapi))

	mux.Handle("GET /login", ui.LoginForm())
	mux.Handle("POST /login", ui.Login())
	mux.Handle("POST /logout", ui.Logout())

	mux.Handle("GET /communities", ui.Communities())
	mux.Handle("GET /communities/new", ui.NewCommunityForm())
	mux.Handle("POST /communities", ui.CreateCommunity())
	mux.Handle("GET /communities/{ref}", ui.Community())
	mux.Handle("GET /communities/{ref}/edit", ui.EditCommunityForm())
	mux.Handle("POST /communities/{ref}/edit", ui.UpdateCommunity())
	mux.Handle("POST /communities/{ref}/archive", ui.ArchiveCommunity(true))
	mux.Handle("POST /communities/{ref}/restore", ui.ArchiveCommunity(false))
	mux.Handle("POST /communities/{ref}/people", ui.AddAffiliation())
	mux.Handle("POST /communities/{ref}/people/{user}/remove", ui.RemoveAffiliation())

	// Full-text search across kinds (web/search.go).
	mux.Handle("GET /search", ui.Search())

	// Roadmap: initiatives, narratives and consortia.
	mux.Handle("GET /roadmap", ui.Roadmap())
	mux.Handle("GET /roadmap.atom", ui.RoadmapFeed())
	mux.Handle("GET /roadmap/delivered", ui.Delivered())
	mux.Handle("GET /initiatives", ui.Initiatives())
	mux.Handle("GET /initiatives/new", ui.NewInitiativeForm())
	mux.Handle("POST /initiatives", ui.CreateInitiative())
	mux.Handle("POST /initiatives/word-count", ui.WordCount())
	mux.Handle("POST /initiatives/blended-rate", ui.SetBlendedRate())
	mux.Handle("GET /initiatives/{ref}", ui.Initiative())
	mux.Handle("GET /initiatives/{ref}/edit", ui.EditInitiativeForm())
	mux.Handle("POST /initiatives/{ref}/edit", ui.UpdateInitiative())
	mux.Handle("POST /initiatives/{ref}/status", ui.MoveInitiative())
	mux.Handle("POST /initiatives/{ref}/tasks/{id}", ui.SetTaskDone())
	mux.Handle("POST /initiatives/{ref}/interest", ui.SetInterest())
	mux.Handle("GET /initiatives/{ref}/statement-of-work.pdf", ui.StatementOfWorkPDF())
	// Endorsement requests: the signed link in the email is the credential.
	mux.Handle("GET /endorse/{token}", ui.EndorsePage())
	mux.Handle("POST /endorse/{token}", ui.EndorseAnswer())
	mux.Handle("POST /endorse/{token}/letter", ui.EndorseLetter())
	mux.Handle("POST /endorse/{token}/letter/withdraw", ui.EndorseWithdrawLetter())
	mux.Handle("GET /proposals/{id}/endorsements", ui.ProposalEndorsements())
	mux.Handle("POST /proposals/{id}/endorsements", ui.RequestProposalEndorsements())
	mux.Handle("POST /proposals/{id}/endorsements/remind", ui.RemindProposalEndorsements())
	mux.Handle("GET /proposals/{id}/endorsements/{community}/answer", ui.AnswerProposalEndorsement())
	mux.Handle("POST /proposals/{id}/endorsements/{community}/revoke", ui.RevokeProposalConsent())
	mux.Handle("GET /proposals/{id}/letters/{letter}", ui.ProposalLetter())
	mux.Handle("GET /proposals/{id}/packet.pdf", ui.ProposalPacketPDF())
	mux.Handle("GET /proposals/{id}/packet.zip", ui.ProposalPacketZIP())
	mux.Handle("POST /initiatives/{ref}/statements-of-work", ui.CreateStatementOfWork())
	mux.Handle("POST /initiatives/{ref}/statements-of-work/acknowledge", ui.AcknowledgeStatementOfWork())
	// Testing calls and feedback; a consortium's credits (web/testing.go).
	mux.Handle("POST /initiatives/{ref}/testing-calls", ui.OpenTestingCall())
	mux.Handle("GET /testing-calls/{id}", ui.TestingCall())
	mux.Handle("POST /testing-calls/{id}/edit", ui.UpdateTestingCall())
	mux.Handle("POST /testing-calls/{id}/enrol", ui.EnrolInCall())
	mux.Handle("POST /testing-calls/{id}/leave", ui.LeaveCall())
	mux.Handle("POST /testing-calls/{id}/feedback", ui.PostFeedback())
	mux.Handle("POST /testing-feedback/{id}", ui.UpdateFeedback())
	mux.Handle("GET /consortia/{ref}/credits", ui.ConsortiumCredits())

	mux.Handle("GET /narratives", ui.Narratives())
	mux.Handle("GET /narratives/new", ui.NewNarrativeForm())
	mux.Handle("POST /narratives", ui.CreateNarrative())
	mux.Handle("GET /narratives/{ref}", ui.Narrative())
	mux.Handle("GET /narratives/{ref}/edit", ui.EditNarrativeForm())
	mux.Handle("POST /narratives/{ref}/edit", ui.UpdateNarrative())
	mux.Handle("POST /narratives/{ref}/endorse", ui.EndorseNarrative())
	mux.Handle("POST /narratives/{ref}/initiatives", ui.LinkNarrativeInitiative())

	mux.Handle("GET /consortia", ui.Consortia())
	mux.Handle("GET /consortia/new", ui.NewConsortiumForm())
	mux.Handle("POST /consortia", ui.CreateConsortium())
	mux.Handle("GET /consortia/{ref}", ui.Consortium())
	mux.Handle("GET /consortia/{ref}/edit", ui.EditConsortiumForm())
	mux.Handle("POST /consortia/{ref}/edit", ui.UpdateConsortium())
	mux.Handle("POST /consortia/{ref}/support", ui.SupportConsortium())
	mux.Handle("POST /consortia/{ref}/join", ui.JoinConsortium())
	mux.Handle("POST /consortia/{ref}/members/{community}/roles", ui.ChangeMemberRoles())
	mux.Handle("POST /consortia/{ref}/members/{community}/leave", ui.LeaveConsortium())
	mux.Handle("POST /consortia/{ref}/kickoff", ui.ScheduleKickoff())
	mux.Handle("POST /consortia/{ref}/goals", ui.SetConsortiumGoals())
	mux.Handle("POST /consortia/{ref}/stage", ui.TransitionConsortium())

	// Co-funding: goals and pledges, budget rounds, matching pools (web/funding.go).
	mux.Handle("GET /funding", ui.FundingDashboard())
	mux.Handle("GET /funding/new", ui.NewGoalForm())
	mux.Handle("POST /funding", ui.CreateGoal())
	mux.Handle("GET /funding/{id}", ui.FundingGoal())
	mux.Handle("GET /funding/{id}/edit", ui.EditGoalForm())
	mux.Handle("POST /funding/{id}/edit", ui.UpdateGoal())
	mux.Handle("GET /funding/{id}/thermometer.svg", ui.ThermometerSVG())
	mux.Handle("POST /funding/{id}/pledges", ui.CreatePledge())
	mux.Handle("POST /funding/{id}/close", ui.GoalAction("close"))
	mux.Handle("POST /funding/{id}/invoices", ui.GoalAction("invoices"))
	mux.Handle("GET /pledges/{id}", ui.Receipt())
	mux.Handle("POST /pledges/{id}/open", ui.PledgeAction("open"))
	mux.Handle("POST /pledges/{id}/withdraw", ui.PledgeAction("withdraw"))
	mux.Handle("POST /pledges/{id}/paid", ui.PledgeAction("paid"))
	mux.Handle("GET /budget-rounds/new", ui.NewBudgetRoundForm())
	mux.Handle("POST /budget-rounds", ui.CreateBudgetRound())
	mux.Handle("GET /budget-rounds/import", ui.ImportPBForm())
	mux.Handle("POST /budget-rounds/import", ui.ImportPB())
	mux.Handle("GET /budget-rounds/{id}", ui.BudgetRound())
	mux.Handle("POST /budget-rounds/{id}/ballot", ui.CastBudgetBallot())
	mux.Handle("POST /budget-rounds/{id}/close", ui.CloseBudgetRound())
	mux.Handle("GET /budget-rounds/{id}/export.pb", ui.ExportBudgetRound())
	mux.Handle("GET /matching-pools/new", ui.NewMatchingPoolForm())
	mux.Handle("POST /matching-pools", ui.CreateMatchingPool())
	mux.Handle("GET /matching-pools/{id}", ui.MatchingPool())

	// Updates, requests, notification choices and the outbox (web/updates.go,
	// requests.go, notifications.go, outbox.go).
	mux.Handle("GET /updates", ui.Updates())
	mux.Handle("POST /updates", ui.PostUpdate())
	mux.Handle("GET /updates.atom", ui.UpdatesFeed())
	mux.Handle("POST /consortia/{ref}/updates", ui.PostConsortiumUpdate())
	mux.Handle("GET /consortia/{ref}/updates.atom", ui.ConsortiumUpdatesFeed())
	mux.Handle("POST /consortia/{ref}/hooks", ui.AddConsortiumHook())
	mux.Handle("POST /consortia/{ref}/hooks/{id}/remove", ui.RemoveConsortiumHook())
	mux.Handle("GET /requests/{id}", ui.Request())
	mux.Handle("POST /requests/{id}/answer", ui.AnswerRequest())
	mux.Handle("GET /r/{token}", ui.AnswerLinkPage())
	mux.Handle("POST /r/{token}", ui.AnswerLink())
	mux.Handle("GET /account/notifications", ui.Notifications())
	mux.Handle("POST /account/notifications", ui.SaveNotifications())
	mux.Handle("GET /unsubscribe/{token}", ui.UnsubscribePage())
	mux.Handle("POST /unsubscribe/{token}", ui.Unsubscribe())
	mux.Handle("GET /admin/outbox", ui.AdminOutbox())
	mux.Handle("GET /admin/outbox/{id}", ui.AdminOutboxMessage())
	mux.Handle("POST /admin/outbox/retry", ui.AdminOutboxRetry())
	mux.Handle("POST /admin/hooks", ui.AdminAddHook())
	mux.Handle("POST /admin/hooks/{id}/remove", ui.AdminRemoveHook())

	// Introductions and their one-click answer links (web/introductions.go).
	mux.Handle("GET /introductions", ui.Introductions())
	mux.Handle("GET /introductions/new", ui.NewIntroduction())
	mux.Handle("POST /introductions", ui.CreateIntroduction())
	mux.Handle("GET /introductions/{id}", ui.Introduction())
	mux.Handle("POST /introductions/{id}/status", ui.MoveIntroduction())
	mux.Handle("POST /introductions/{id}/answer", ui.AnswerIntroduction())
	mux.Handle("GET /introduction-answers/{token}", ui.IntroductionLinkPage())
	mux.Handle("POST /introduction-answers/{token}", ui.IntroductionLink())
	mux.Handle("GET /network", ui.Network())
	mux.Handle("GET /network.svg", ui.NetworkSVG())

	// Prioritizing together: meetings and their calendars, demos and
	// reactions, prioritization rounds (web/meetings.go, demos.go, rounds.go).
	// GET /meetings/{id} also answers /meetings/{id}.ics.
	mux.Handle("GET /consortia/{ref}/meetings", ui.ConsortiumMeetings())
	mux.Handle("POST /consortia/{ref}/meetings", ui.ScheduleMeeting())
	mux.Handle("GET /consortia/{ref}/meetings.ics", ui.ConsortiumCalendar())
	mux.Handle("POST /consortia/{ref}/demos", ui.PostDemo())
	mux.Handle("GET /meetings/{id}", ui.Meeting())
	mux.Handle("GET /meetings/{id}/edit", ui.EditMeetingForm())
	mux.Handle("POST /meetings/{id}/edit", ui.UpdateMeeting())
	mux.Handle("POST /meetings/{id}/rsvp", ui.RSVPMeeting())
	mux.Handle("GET /demos/{id}", ui.Demo())
	mux.Handle("POST /demos/{id}/reactions", ui.ReactToDemo())
	mux.Handle("GET /consortia/{ref}/rounds", ui.ConsortiumRounds())
	mux.Handle("POST /consortia/{ref}/rounds", ui.CreateRound())
	mux.Handle("GET /rounds/{id}", ui.Round())
	mux.Handle("GET /rounds/{id}/edit", ui.EditRoundForm())
	mux.Handle("POST /rounds/{id}/edit", ui.UpdateRound())
	mux.Handle("POST /rounds/{id}/ballots/{community}", ui.CastBallot())
	mux.Handle("POST /rounds/{id}/publish", ui.PublishRound())
	mux.Handle("POST /rounds/{id}/close", ui.CloseRound())
	mux.Handle("POST /rounds/{id}/remind", ui.RemindRound())
	mux.Handle("POST /rounds/{id}/apply", ui.ApplyRound())
	mux.Handle("GET /rounds/{id}/ballots.json", ui.ExportBallots("json"))
	mux.Handle("GET /rounds/{id}/ballots.preflib", ui.ExportBallots("preflib"))

	mux.Handle("GET /people", ui.People())
	mux.Handle("GET /people/{id}", ui.Person())

	mux.Handle("GET /account", ui.Account())
	mux.Handle("POST /account/password", ui.ChangePassword())
	mux.Handle("POST /account/sign-out-everywhere", ui.SignOutEverywhere())
	mux.Handle("POST /account/calendar-key", ui.NewCalendarKey())
	mux.Handle("POST /account/tokens", ui.CreateToken())
	mux.Handle("POST /account/tokens/{id}/revoke", ui.RevokeToken())

	mux.Handle("GET /admin", http.RedirectHandler("/admin/users", http.StatusFound))
	mux.Handle("GET /admin/users", ui.AdminUsers())
	mux.Handle("POST /admin/users", ui.AdminCreateUser())
	mux.Handle("GET /admin/users/{id}", ui.AdminUser())
	mux.Handle("POST /admin/users/{id}", ui.AdminUpdateUser())
	mux.Handle("POST /admin/users/{id}/disable", ui.AdminDisableUser(true))
	mux.Handle("POST /admin/users/{id}/enable", ui.AdminDisableUser(false))
	mux.Handle("GET /admin/audit", ui.AdminAudit())
	mux.Handle("GET /admin/audit.csv", ui.AdminAuditExport("csv"))
	mux.Handle("GET /admin/audit.json", ui.AdminAuditExport("json"))

	mux.Handle("/", ui.NotFound())
}
