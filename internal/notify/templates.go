package notify

import (
	"html/template"
	ttemplate "text/template"
)

var textTemplate = ttemplate.Must(ttemplate.New("text").Parse(`Hello {{.Name}},
{{if not .Single}}
Here is what happened across your consortia ({{.Total}} update{{if ne .Total 1}}s{{end}}).
{{end}}{{range .Groups}}
== {{.Consortium}} ({{.Count}}) ==
{{range .Requests}}
* REQUEST: {{.Title}}{{if .Deadline}} (by {{.Deadline}}){{end}}
{{with .BodyText}}
{{.}}

{{end}}  {{.Question}}
{{range .Answers}}  - {{.Label}}: {{.URL}}
{{end}}  {{.URL}}
{{end}}{{range .Results}}
* {{.Title}}{{if .Repeats}} ({{.Repeats}} times){{end}}
  {{.URL}}
{{with .BodyText}}
{{.}}
{{end}}{{end}}{{range .News}}
* {{.Title}}{{if .Repeats}} ({{.Repeats}} times){{end}}
  {{.URL}}
{{with .BodyText}}
{{.}}
{{end}}{{end}}{{end}}
--
You receive this because you take part in consortia on {{.Site}}.
Choose what you receive and how often: {{.Preferences}}
Unsubscribe from all email in one click: {{.Unsubscribe}}
`))

var htmlTemplate = template.Must(template.New("html").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>consortia</title></head>
<body style="margin:0;padding:0;background:#f6f8fa;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2937">
<div style="max-width:640px;margin:0 auto;padding:24px">
<p style="font-size:16px">Hello {{.Name}},</p>
{{if not .Single}}<p style="color:#5b6472">Here is what happened across your consortia: {{.Total}} update{{if ne .Total 1}}s{{end}}.</p>{{end}}
{{range .Groups}}
<div style="background:#fff;border:1px solid #e3e8ee;border-radius:10px;padding:16px 20px;margin:16px 0">
<h2 style="font-size:17px;margin:0 0 8px;color:#0f766e">{{.Consortium}} <span style="color:#5b6472;font-weight:normal">({{.Count}})</span></h2>
{{range .Requests}}
<div style="border-left:4px solid #ea580c;padding:4px 12px;margin:12px 0">
<p style="margin:0;font-weight:600">Request: <a href="{{.URL}}" style="color:#0f766e">{{.Title}}</a>{{if .Deadline}} <span style="color:#9a3412">(by {{.Deadline}})</span>{{end}}</p>
{{with .BodyHTML}}<div>{{.}}</div>{{end}}
<p style="margin:6px 0">{{.Question}}</p>
<p style="margin:6px 0">{{range .Answers}}<a href="{{.URL}}" style="display:inline-block;margin:4px 6px 4px 0;padding:6px 14px;border-radius:6px;background:#0f766e;color:#fff;text-decoration:none">{{.Label}}</a>{{end}}</p>
</div>
{{end}}
{{range .Results}}
<div style="margin:12px 0"><p style="margin:0;font-weight:600">🏁 <a href="{{.URL}}" style="color:#0f766e">{{.Title}}</a>{{if .Repeats}} ({{.Repeats}} times){{end}}</p>{{with .BodyHTML}}<div>{{.}}</div>{{end}}</div>
{{end}}
{{range .News}}
<div style="margin:12px 0"><p style="margin:0"><a href="{{.URL}}" style="color:#0f766e">{{.Title}}</a>{{if .Repeats}} ({{.Repeats}} times){{end}} <span style="color:#5b6472;font-size:13px">{{.When}}</span></p>{{with .BodyHTML}}<div>{{.}}</div>{{end}}</div>
{{end}}
</div>
{{end}}
<p style="font-size:12px;color:#5b6472">You receive this because you take part in consortia on {{.Site}}.
<a href="{{.Preferences}}" style="color:#5b6472">Choose what you receive and how often</a> ·
<a href="{{.Unsubscribe}}" style="color:#5b6472">Unsubscribe from all email</a></p>
</div></body></html>
`))
