package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
)

// Testing calls, enrolments and feedback (app/testing_calls.go,
// app/testing_feedback.go), and a consortium's credits (app/credits.go).

func (h *Handler) testingRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	const tst = "Testing"
	huma.Register(api, status(op("open-testing-call", http.MethodPost, "/initiatives/{id}/testing-calls", "Open a testing call on an initiative (staff)", tst), http.StatusCreated), h.openTestingCall)
	huma.Register(api, op("list-testing-calls", http.MethodGet, "/initiatives/{id}/testing-calls", "List an initiative's testing calls (signed in)", tst), h.listTestingCalls)
	huma.Register(api, op("get-testing-call", http.MethodGet, "/testing-calls/{id}", "Get a testing call with its enrolments and summary (signed in)", tst), h.getTestingCall)
	huma.Register(api, op("update-testing-call", http.MethodPatch, "/testing-calls/{id}", "Change a testing call, post a new build or close it (staff)", tst), h.updateTestingCall)
	huma.Register(api, op("enrol-testers", http.MethodPut, "/testing-calls/{id}/testers/{community}", "Enrol a community and name its testers (its lead)", tst), h.enrolTesters)
	huma.Register(api, status(op("leave-testing-call", http.MethodDelete, "/testing-calls/{id}/testers/{community}", "Withdraw a community from a testing call (its lead)", tst), http.StatusNoContent), h.leaveTestingCall)
	huma.Register(api, status(op("post-testing-feedback", http.MethodPost, "/testing-calls/{id}/feedback", "Report how testing went (a tester)", tst), http.StatusCreated), h.postFeedback)
	huma.Register(api, op("list-testing-feedback", http.MethodGet, "/testing-calls/{id}/feedback", "List a testing call's reports (signed in)", tst), h.listFeedback)
	huma.Register(api, status(op("ask-testers", http.MethodPost, "/testing-calls/{id}/requests", "Ask a call's testers only (staff)", tst), http.StatusCreated), h.askTesters)
	huma.Register(api, op("get-consortium-credits", http.MethodGet, "/consortia/{id}/credits", "A consortium's members by their share-credit choice", "Consortia"), h.getCredits)
	huma.Register(api, op("update-testing-feedback", http.MethodPatch, "/testing-feedback/{id}", "Update a report, or respond and mark it addressed (staff)", tst), h.updateFeedback)
}

// TestingCallData is model.TestingCall without methods, for huma.
type TestingCallData model.TestingCall

// TestingCallFields are a call's writable fields; on PATCH only those
// present change.
type TestingCallFields struct {
	Title          *string  `json:"title,omitempty" maxLength:"160" doc:"Required on create."`
	Instructions   *string  `json:"instructions,omitempty" maxLength:"20000" doc:"What to try (Markdown)."`
	EnvironmentURL *string  `json:"environment_url,omitempty" maxLength:"2048" doc:"Where to try it: an environment or hub URL."`
	Build          *string  `json:"build,omitempty" maxLength:"80" doc:"The version or build to try; a new one on an open call notifies its testers."`
	Risks          *string  `json:"risks,omitempty" maxLength:"5000" doc:"What can break (required on create); enrolling acknowledges it."`
	EndsOn         *string  `json:"ends_on,omitempty" maxLength:"10" doc:"Last day of testing, YYYY-MM-DD."`
	Questions      []string `json:"questions,omitempty" maxItems:"10" doc:"What feedback is wanted (at most 10 questions)."`
}

func (f TestingCallFields) apply(in *model.TestingCallInput) {
	for _, s := range []struct {
		dst *string
		src *string
	}{{&in.Title, f.Title}, {&in.Instructions, f.Instructions}, {&in.EnvironmentURL, f.EnvironmentURL}, {&in.Build, f.Build},
		{&in.Risks, f.Risks}, {&in.EndsOn, f.EndsOn}} {
		if s.src != nil {
			*s.dst = *s.src
		}
	}
	if f.Questions != nil {
		in.Questions = f.Questions
	}
}

// OpenTestingCallInput opens a call.
type OpenTestingCallInput struct {
	InitiativePath
	Body TestingCallFields
}

// TestingCallOutput is one call.
type TestingCallOutput struct {
	Body TestingCallData
}

func (h *Handler) openTestingCall(ctx context.Context, in *OpenTestingCallInput) (*TestingCallOutput, error) {
	var ci model.TestingCallInput
	in.Body.apply(&ci)
	c, err := h.app.OpenTestingCall(ctx, actor(ctx), in.ID, ci)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &TestingCallOutput{Body: TestingCallData(*c)}, nil
}

// TestingCallList is an initiative's calls, newest first.
type TestingCallList struct {
	Body struct {
		Items []TestingCallData `json:"items"`
	}
}

func (h *Handler) listTestingCalls(ctx context.Context, in *InitiativePath) (*TestingCallList, error) {
	list, err := h.app.TestingCalls(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &TestingCallList{}
	out.Body.Items = make([]TestingCallData, len(list))
	for i, c := range list {
		out.Body.Items[i] = TestingCallData(*c)
	}
	return out, nil
}

// TestingCallPath names a call.
type TestingCallPath struct {
	ID int64 `path:"id"`
}

// TestingCallDetail is a call with its summary of reports.
type TestingCallDetail struct {
	Body struct {
		TestingCallData
		Summary model.TestingSummary `json:"summary" doc:"Reports by outcome and by community; open counts those not yet addressed."`
	}
}

func (h *Handler) getTestingCall(ctx context.Context, in *TestingCallPath) (*TestingCallDetail, error) {
	v, err := h.app.GetTestingCall(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &TestingCallDetail{}
	out.Body.TestingCallData, out.Body.Summary = TestingCallData(*v.TestingCall), v.Summary
	return out, nil
}

// UpdateTestingCallInput changes a call.
type UpdateTestingCallInput struct {
	TestingCallPath
	Body struct {
		TestingCallFields
		State *string `json:"state,omitempty" enum:"open,closed" doc:"closed ends enrolment and reports."`
	}
}

func (h *Handler) updateTestingCall(ctx context.Context, in *UpdateTestingCallInput) (*TestingCallOutput, error) {
	c, err := h.app.UpdateTestingCall(ctx, actor(ctx), in.ID, func(ci *model.TestingCallInput) {
		in.Body.apply(ci)
		if in.Body.State != nil {
			ci.State = *in.Body.State
		}
	})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &TestingCallOutput{Body: TestingCallData(*c)}, nil
}

// EnrolTestersInput enrols a community.
type EnrolTestersInput struct {
	TestingCallPath
	Community string `path:"community" maxLength:"64" doc:"The community (numeric id or slug)."`
	Body      struct {
		AcknowledgeRisks bool    `json:"acknowledge_risks" doc:"Must be true: the community accepts that what it tries may break."`
		People           []int64 `json:"people,omitempty" maxItems:"20" doc:"User ids of the community's people who will test."`
	}
}

func (h *Handler) enrolTesters(ctx context.Context, in *EnrolTestersInput) (*TestingCallOutput, error) {
	c, err := h.app.EnrolInCall(ctx, actor(ctx), in.ID, in.Community, model.EnrolInput{AcknowledgeRisks: in.Body.AcknowledgeRisks, People: in.Body.People})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &TestingCallOutput{Body: TestingCallData(*c)}, nil
}

// LeaveTestingCallInput withdraws a community.
type LeaveTestingCallInput struct {
	TestingCallPath
	Community string `path:"community" maxLength:"64" doc:"The community (numeric id or slug)."`
}

func (h *Handler) leaveTestingCall(ctx context.Context, in *LeaveTestingCallInput) (*struct{}, error) {
	if err := h.app.LeaveCall(ctx, actor(ctx), in.ID, in.Community); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// FeedbackData is model.TestingFeedback without methods.
type FeedbackData model.TestingFeedback

// PostFeedbackInput is a tester's report.
type PostFeedbackInput struct {
	TestingCallPath
	Body struct {
		Community string   `json:"community" maxLength:"64" doc:"The enrolled community reported for (numeric id or slug)."`
		Outcome   string   `json:"outcome" enum:"works,partly,broken,not_tried"`
		Summary   string   `json:"summary" maxLength:"5000" doc:"What happened."`
		Tried     string   `json:"tried,omitempty" maxLength:"5000" doc:"What the tester did."`
		Link      string   `json:"link,omitempty" maxLength:"2048" doc:"An issue or screenshot URL."`
		Answers   []string `json:"answers,omitempty" maxItems:"10" doc:"Answers to the call's questions, in order."`
	}
}

// FeedbackOutput is one report.
type FeedbackOutput struct {
	Body FeedbackData
}

func (h *Handler) postFeedback(ctx context.Context, in *PostFeedbackInput) (*FeedbackOutput, error) {
	b := in.Body
	f, err := h.app.PostFeedback(ctx, actor(ctx), in.ID, model.FeedbackInput{Community: b.Community, Outcome: b.Outcome, Summary: b.Summary,
		Tried: b.Tried, Link: b.Link, Answers: b.Answers})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &FeedbackOutput{Body: FeedbackData(*f)}, nil
}

// FeedbackList is a call's reports, oldest first.
type FeedbackList struct {
	Body struct {
		Items []FeedbackData `json:"items" doc:"Empty unless the caller is staff or one of an enrolled community's people."`
	}
}

func (h *Handler) listFeedback(ctx context.Context, in *TestingCallPath) (*FeedbackList, error) {
	list, err := h.app.ListFeedback(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &FeedbackList{}
	out.Body.Items = make([]FeedbackData, len(list))
	for i, f := range list {
		out.Body.Items[i] = FeedbackData(*f)
	}
	return out, nil
}

// FeedbackPath names a report.
type FeedbackPath struct {
	ID int64 `path:"id"`
}

// UpdateFeedbackInput changes a report.
type UpdateFeedbackInput struct {
	FeedbackPath
	Body struct {
		Outcome   *string  `json:"outcome,omitempty" enum:"works,partly,broken,not_tried"`
		Summary   *string  `json:"summary,omitempty" maxLength:"5000"`
		Tried     *string  `json:"tried,omitempty" maxLength:"5000"`
		Link      *string  `json:"link,omitempty" maxLength:"2048"`
		Answers   []string `json:"answers,omitempty" maxItems:"10"`
		Response  *string  `json:"response,omitempty" maxLength:"5000" doc:"Staff's response; sent to the author."`
		Addressed *bool    `json:"addressed,omitempty" doc:"Staff mark the report addressed (or open again)."`
	}
}

func (h *Handler) updateFeedback(ctx context.Context, in *UpdateFeedbackInput) (*FeedbackOutput, error) {
	b := in.Body
	f, err := h.app.UpdateFeedback(ctx, actor(ctx), in.ID, app.FeedbackChange{Outcome: b.Outcome, Summary: b.Summary, Tried: b.Tried,
		Link: b.Link, Answers: b.Answers, Response: b.Response, Addressed: b.Addressed})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &FeedbackOutput{Body: FeedbackData(*f)}, nil
}

// AskTestersInput is a request to a call's testers.
type AskTestersInput struct {
	TestingCallPath
	Body struct {
		Title    string     `json:"title" maxLength:"160"`
		Body     string     `json:"body" maxLength:"20000" doc:"Markdown."`
		Question string     `json:"question" maxLength:"300" doc:"What the testers answer in one click."`
		Options  []string   `json:"options" maxItems:"6" doc:"The answers to choose from (2 to 6)."`
		Deadline *time.Time `json:"deadline,omitempty" doc:"When answers close (RFC 3339); in the future."`
	}
}

// AskTestersOutput says how many people were asked.
type AskTestersOutput struct {
	Body struct {
		Asked int `json:"asked" doc:"The testers and enrolled communities' leads asked."`
	}
}

func (h *Handler) askTesters(ctx context.Context, in *AskTestersInput) (*AskTestersOutput, error) {
	b := in.Body
	n, err := h.app.AskTesters(ctx, actor(ctx), in.ID, model.UpdateInput{Title: b.Title, Body: b.Body, Question: b.Question, Options: b.Options, Deadline: b.Deadline})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &AskTestersOutput{}
	out.Body.Asked = n
	return out, nil
}

// CreditsOutput is a consortium's credits list.
type CreditsOutput struct {
	Body model.Credits
}

func (h *Handler) getCredits(ctx context.Context, in *ConsortiumPath) (*CreditsOutput, error) {
	c, err := h.app.ConsortiumCredits(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreditsOutput{Body: *c}, nil
}
