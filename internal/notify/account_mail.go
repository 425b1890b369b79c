package notify

import (
	"bytes"
	"html/template"
	"strconv"
	ttemplate "text/template"
	"time"

	"consortia/internal/model"
)

// Kinds of one-time account links.
const (
	LinkInvitation = "invite"
	LinkReset      = "reset"
)

// OneTimeLink is the token of an invitation or password reset link: the
// row's id and a random nonce whose hash the row keeps, signed and valid
// until exp. The signature refuses a changed link before the database is
// asked; the row makes it single-use.
func (s Signer) OneTimeLink(kind string, id int64, nonce string, exp time.Time) string {
	return s.Sign(exp, kind, strconv.FormatInt(id, 10), nonce)
}

// ParseOneTimeLink reads a token made by OneTimeLink for kind.
func (s Signer) ParseOneTimeLink(kind, token string, now time.Time) (id int64, nonce string, err error) {
	f, err := s.Verify(token, now)
	if err != nil {
		return 0, "", err
	}
	if len(f) != 3 || f[0] != kind || f[2] == "" {
		return 0, "", ErrTampered
	}
	id, err = strconv.ParseInt(f[1], 10, 64)
	if err != nil || id <= 0 {
		return 0, "", ErrTampered
	}
	return id, f[2], nil
}

// AccountMail is what an invitation or reset email says.
type AccountMail struct {
	To        Person
	Inviter   string // invitations: who invited
	Community string // invitations: the community joined, if any
	Role      string
	Link      string // the absolute link to follow
	Expires   time.Time
}

type accountMailData struct {
	AccountMail
	Site, Until string
	Invitation  bool
}

var accountText = ttemplate.Must(ttemplate.New("text").Parse(`Hello{{with .To.Name}} {{.}}{{end}},
{{if .Invitation}}
{{.Inviter}} invited you to {{if .Community}}join {{.Community}} as {{.Role}} on{{else}}{{end}} {{.Site}}.

Accept the invitation (the link works once, until {{.Until}}):
{{.Link}}
{{else}}
Someone (we hope you) asked to reset your password on {{.Site}}.

Choose a new password (the link works once, until {{.Until}}):
{{.Link}}

If you did not ask, ignore this message: your password stays as it is.
{{end}}`))

var accountHTML = template.Must(template.New("html").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>consortia</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2937">
<div style="max-width:640px;margin:0 auto;padding:24px">
<p>Hello{{with .To.Name}} {{.}}{{end}},</p>
{{if .Invitation}}
<p>{{.Inviter}} invited you to {{if .Community}}join <strong>{{.Community}}</strong> as {{.Role}} on{{end}} {{.Site}}.</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:8px 16px;border-radius:6px;background:#0f766e;color:#fff;text-decoration:none">Accept the invitation</a></p>
{{else}}
<p>Someone (we hope you) asked to reset your password on {{.Site}}.</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:8px 16px;border-radius:6px;background:#0f766e;color:#fff;text-decoration:none">Choose a new password</a></p>
<p>If you did not ask, ignore this message: your password stays as it is.</p>
{{end}}
<p style="font-size:12px;color:#5b6472">The link works once, until {{.Until}}.</p>
</div></body></html>
`))

// AccountEmail composes an invitation (invitation true) or password reset
// email.
func (s Site) AccountEmail(m AccountMail, invitation bool) (model.OutboxMessage, error) {
	d := accountMailData{AccountMail: m, Site: s.BaseURL, Until: m.Expires.UTC().Format("Mon 2 Jan 2006 15:04 MST"), Invitation: invitation}
	var text, html bytes.Buffer
	if err := accountText.Execute(&text, d); err != nil {
		return model.OutboxMessage{}, err
	}
	if err := accountHTML.Execute(&html, d); err != nil {
		return model.OutboxMessage{}, err
	}
	subject := "Reset your consortia password"
	if invitation {
		subject = "You are invited to consortia"
		if m.Community != "" {
			subject = "You are invited to join " + m.Community + " on consortia"
		}
	}
	msg := model.OutboxMessage{Channel: model.ChannelEmail, Recipient: m.To.Email, Subject: subject, Text: text.String(), HTML: html.String()}
	if m.To.ID != 0 {
		uid := m.To.ID
		msg.UserID = &uid
	}
	return msg, nil
}

// Link makes an absolute link to a path of the site.
func (s Site) Link(path string) string { return s.link(path) }
