package notify

import (
	"bytes"
	"html/template"
	"strconv"
	ttemplate "text/template"
	"time"

	"consortia/internal/model"
)

// Introductions: the double opt-in emails. Each lead of both communities
// is asked with signed one-click accept and decline links (confirmed by a
// button on the page they open); once both communities accept, one email
// connects them.

// IntroductionAnswerLink is the token of a one-click answer to an
// introduction, for one person answering for one community.
func (s Signer) IntroductionAnswerLink(introductionID, communityID, userID int64, answer string, exp time.Time) string {
	return s.Sign(exp, "intro", strconv.FormatInt(introductionID, 10), strconv.FormatInt(communityID, 10),
		strconv.FormatInt(userID, 10), answer)
}

// IntroductionAnswer is what an introduction answer token carries.
type IntroductionAnswer struct {
	IntroductionID, CommunityID, UserID int64
	Answer                              string
}

// ParseIntroductionAnswer reads an introduction answer token.
func (s Signer) ParseIntroductionAnswer(token string, now time.Time) (IntroductionAnswer, error) {
	f, err := s.Verify(token, now)
	if err != nil {
		return IntroductionAnswer{}, err
	}
	if len(f) != 5 || f[0] != "intro" || (f[4] != model.ConsentAccepted && f[4] != model.ConsentDeclined) {
		return IntroductionAnswer{}, ErrTampered
	}
	var ids [3]int64
	for i := range ids {
		if ids[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return IntroductionAnswer{}, ErrTampered
		}
	}
	return IntroductionAnswer{IntroductionID: ids[0], CommunityID: ids[1], UserID: ids[2], Answer: f[4]}, nil
}

// IntroductionParty is one side of an introduction as an email names it.
type IntroductionParty struct {
	Community string
	Leads     []Person
}

type introAskData struct {
	Name, Community, Other, Purpose, Note, Introducer, Accept, Decline, Page, Expires, Site string
}

var introAskText = ttemplate.Must(ttemplate.New("ask").Parse(`Hello {{.Name}},

{{.Introducer}} would like to introduce {{.Community}} to {{.Other}}.
{{with .Purpose}}
Why: {{.}}
{{end}}{{with .Note}}
{{.}}
{{end}}
Nothing is shared until both communities accept. Answer for {{.Community}}:

  Accept:  {{.Accept}}
  Decline: {{.Decline}}

Each link asks you to confirm with a button; it works until {{.Expires}}.
The introduction: {{.Page}}
--
{{.Site}}
`))

var introAskHTML = template.Must(template.New("ask").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Introduction</title></head>
<body style="font-family:system-ui,Arial,sans-serif;color:#1f2937;max-width:640px;margin:0 auto;padding:24px">
<p>Hello {{.Name}},</p>
<p>{{.Introducer}} would like to introduce <strong>{{.Community}}</strong> to <strong>{{.Other}}</strong>.</p>
{{with .Purpose}}<p>Why: {{.}}</p>{{end}}{{with .Note}}<p style="white-space:pre-wrap">{{.}}</p>{{end}}
<p>Nothing is shared until both communities accept. Answer for {{.Community}}:</p>
<p><a href="{{.Accept}}" style="display:inline-block;margin:4px 6px 4px 0;padding:6px 14px;border-radius:6px;background:#0f766e;color:#fff;text-decoration:none">Accept</a>
<a href="{{.Decline}}" style="display:inline-block;margin:4px 6px 4px 0;padding:6px 14px;border-radius:6px;background:#6b7280;color:#fff;text-decoration:none">Decline</a></p>
<p style="color:#5b6472;font-size:13px">Each link asks you to confirm with a button; it works until {{.Expires}}. <a href="{{.Page}}">The introduction</a>.</p>
</body></html>`))

// IntroductionAsk is the email asking a lead whether their community
// accepts an introduction.
func (s Site) IntroductionAsk(to Person, in *model.Introduction, community, other string, communityID int64, now time.Time) (model.OutboxMessage, error) {
	exp := now.Add(s.AnswerValidity)
	link := func(answer string) string {
		return s.link("/introduction-answers/" + s.Signer.IntroductionAnswerLink(in.ID, communityID, to.ID, answer, exp))
	}
	purpose := ""
	if in.Initiative != nil {
		purpose = in.Initiative.Title
	}
	d := introAskData{Name: to.Name, Community: community, Other: other, Purpose: purpose, Note: in.Note, Introducer: in.Introducer,
		Accept: link(model.ConsentAccepted), Decline: link(model.ConsentDeclined), Page: s.link("/introductions/" + strconv.FormatInt(in.ID, 10)),
		Expires: exp.UTC().Format("2 Jan 2006"), Site: s.BaseURL}
	return render(to, "Introduction: "+community+" ↔ "+other+" (your answer, please)", introAskText, introAskHTML, d)
}

type introMadeData struct {
	Name, Note, Page, Site string
	Parties                []IntroductionParty
}

var introMadeText = ttemplate.Must(ttemplate.New("made").Parse(`Hello {{.Name}},

Both communities accepted: meet each other.
{{range .Parties}}
{{.Community}}:
{{range .Leads}}  - {{.Name}} <{{.Email}}>
{{end}}{{end}}{{with .Note}}
{{.}}
{{end}}
Reply to each other directly. Tell us how it goes: {{.Page}}
--
{{.Site}}
`))

var introMadeHTML = template.Must(template.New("made").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Introduction</title></head>
<body style="font-family:system-ui,Arial,sans-serif;color:#1f2937;max-width:640px;margin:0 auto;padding:24px">
<p>Hello {{.Name}},</p>
<p>Both communities accepted: meet each other.</p>
{{range .Parties}}<p><strong>{{.Community}}</strong></p><ul>{{range .Leads}}<li>{{.Name}} &lt;<a href="mailto:{{.Email}}">{{.Email}}</a>&gt;</li>{{end}}</ul>{{end}}
{{with .Note}}<p style="white-space:pre-wrap">{{.}}</p>{{end}}
<p>Reply to each other directly. <a href="{{.Page}}">Tell us how it goes</a>.</p>
</body></html>`))

// IntroductionMade is the email that connects the leads of both
// communities once both accepted.
func (s Site) IntroductionMade(to Person, in *model.Introduction, parties []IntroductionParty) (model.OutboxMessage, error) {
	d := introMadeData{Name: to.Name, Note: in.Note, Page: s.link("/introductions/" + strconv.FormatInt(in.ID, 10)), Site: s.BaseURL, Parties: parties}
	return render(to, "Meet each other: "+in.Title(), introMadeText, introMadeHTML, d)
}

func render(to Person, subject string, text *ttemplate.Template, html *template.Template, d any) (model.OutboxMessage, error) {
	var t, h bytes.Buffer
	if err := text.Execute(&t, d); err != nil {
		return model.OutboxMessage{}, err
	}
	if err := html.Execute(&h, d); err != nil {
		return model.OutboxMessage{}, err
	}
	uid := to.ID
	return model.OutboxMessage{Channel: model.ChannelEmail, Recipient: to.Email, UserID: &uid, Subject: subject, Text: t.String(), HTML: h.String()}, nil
}
