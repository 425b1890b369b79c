package web

import (
	"encoding/json"
	"strings"

	"consortia/internal/model"
)

// Activity lines: the dashboard and the audit log show audit entries as
// sentences ("Avery Okafor created the initiative Data residency controls")
// rather than as codes such as "initiative.create".

// auditNouns names each kind of record, and where its page is (the record's
// id is appended).
var auditNouns = map[string]struct{ Noun, Path string }{
	"community":     {"community", "/communities/"},
	"user":          {"account", "/admin/users/"},
	"api_token":     {"API token", ""},
	"consortium":    {"consortium", "/consortia/"},
	"initiative":    {"initiative", "/initiatives/"},
	"narrative":     {"narrative", "/narratives/"},
	"meeting":       {"meeting", "/meetings/"},
	"demo":          {"demo", "/demos/"},
	"round":         {"prioritization round", "/rounds/"},
	"budget_round":  {"budget round", "/budget-rounds/"},
	"funding_goal":  {"funding goal", "/funding/"},
	"pledge":        {"pledge", "/pledges/"},
	"matching_pool": {"matching pool", "/matching-pools/"},
	"proposal":      {"proposal", "/proposals/"},
	"hook":          {"webhook", ""},
	"update":        {"update", ""},
	"request":       {"request", ""},
	"settings":      {"setting", ""},
	"preferences":   {"notification choices", ""},
}

// auditVerbs says what an action did, as a verb phrase that the record
// follows ("created" the initiative …). A phrase ending in "." takes no
// record after it.
var auditVerbs = map[string]string{
	"affiliation.remove":              "removed a person from",
	"affiliation.set":                 "added a person to",
	"budget_round.ballot":             "cast a ballot in",
	"budget_round.close":              "closed",
	"community.archive":               "archived",
	"community.restore":               "restored",
	"consortium.goals":                "recorded the goals of",
	"consortium.kickoff":              "scheduled the kickoff of",
	"consortium.member_joined":        "added a member community to",
	"consortium.member_left":          "removed a member community from",
	"consortium.member_roles_changed": "changed a member's roles in",
	"consortium.propose":              "proposed",
	"consortium.stage":                "moved to another stage",
	"consortium.support":              "agreed with the problem of",
	"consortium.support_withdrawn":    "withdrew agreement from",
	"demo.react":                      "reacted to",
	"funding_goal.close":              "closed",
	"initiative.interest":             "marked interest in",
	"initiative.interest_removed":     "withdrew interest in",
	"initiative.status":               "moved on the roadmap",
	"initiative.task":                 "ticked a sub-task of",
	"meeting.rsvp":                    "answered the invitation to",
	"narrative.endorse":               "endorsed",
	"narrative.link":                  "linked an initiative to",
	"narrative.unendorse":             "withdrew the endorsement of",
	"narrative.unlink":                "unlinked an initiative from",
	"outbox.retry":                    "retried failed messages.",
	"pledge.commit":                   "committed",
	"pledge.create":                   "recorded",
	"pledge.invoice":                  "invoiced",
	"pledge.lapse":                    "let lapse",
	"pledge.open":                     "opened",
	"pledge.paid":                     "marked as paid",
	"pledge.withdraw":                 "withdrew",
	"preferences.set":                 "changed their notification choices.",
	"preferences.unsubscribe":         "unsubscribed from emails.",
	"proposal.budget.add":             "added a budget line to",
	"proposal.budget.remove":          "removed a budget line from",
	"proposal.create":                 "started",
	"proposal.section.create":         "added a section to",
	"proposal.section.delete":         "removed a section from",
	"proposal.section.update":         "changed a section of",
	"proposal.status":                 "moved",
	"proposal.update":                 "changed",
	"request.answer":                  "answered",
	"round.apply":                     "set the roadmap from",
	"round.ballot":                    "cast a ballot in",
	"round.publish":                   "published the results of",
	"settings.blended_rate":           "changed the blended hourly rate.",
	"token.create":                    "created",
	"token.revoke":                    "revoked",
	"update.post":                     "posted",
	"user.disable":                    "disabled",
	"user.enable":                     "enabled",
	"user.password_change":            "changed their password.",
	"user.password_set":               "set the password of",
	"hook.add":                        "added",
	"hook.remove":                     "removed",
}

// activityLine is an audit entry in words.
type activityLine struct {
	Verb string // "created", "cast a ballot in"
	Noun string // "initiative"; empty when the verb says it all
	Name string // the record's name or title, when the entry carries it
	ID   string
	URL  string // the record's page, when it has one
}

// Record names the record: "the initiative" or "initiative #3".
func (a activityLine) Record() string {
	if a.Noun == "" {
		return ""
	}
	if a.Name != "" {
		return "the " + a.Noun
	}
	return a.Noun + " #" + a.ID
}

// describeAudit turns an audit entry into words.
func describeAudit(e model.AuditEntry) activityLine {
	n, known := auditNouns[e.EntityType]
	a := activityLine{ID: e.EntityID, Noun: n.Noun}
	if !known {
		a.Noun = strings.ReplaceAll(e.EntityType, "_", " ")
	}
	if n.Path != "" && e.EntityID != "" && !strings.HasSuffix(e.Action, ".remove") {
		a.URL = n.Path + e.EntityID
	}
	a.Verb = actionVerb(e.Action)
	if strings.HasSuffix(a.Verb, ".") {
		a.Verb, a.Noun, a.URL = strings.TrimSuffix(a.Verb, "."), "", ""
		return a
	}
	a.Name = recordName(e)
	if e.EntityType == "pledge" {
		if c := pledgeCommunity(e); c != "" {
			a.Noun, a.Name = "pledge from", c
		}
	}
	return a
}

// actionVerb is the verb phrase of an action code.
func actionVerb(action string) string {
	if v, ok := auditVerbs[action]; ok {
		return v
	}
	_, verb, _ := strings.Cut(action, ".")
	switch verb {
	case "create":
		return "created"
	case "update":
		return "edited"
	case "":
		return strings.ReplaceAll(action, "_", " ")
	}
	return strings.ReplaceAll(verb, "_", " ")
}

// actionLabel names an action for a list of choices: "Initiative: created".
func actionLabel(action string) string {
	kind, _, _ := strings.Cut(action, ".")
	noun := strings.ReplaceAll(kind, "_", " ")
	if n, ok := auditNouns[kind]; ok {
		noun = n.Noun
	}
	return strings.ToUpper(noun[:1]) + noun[1:] + ": " + strings.TrimSuffix(actionVerb(action), ".")
}

// entityLabel names a kind of record: "budget round".
func entityLabel(kind string) string {
	if n, ok := auditNouns[kind]; ok {
		return n.Noun
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// recordName finds the name or title of the record in the entry's values
// after (or before) the change. Entries about a community's part in
// something name the community.
func recordName(e model.AuditEntry) string {
	for _, raw := range []json.RawMessage{e.After, e.Before} {
		if len(raw) == 0 {
			continue
		}
		var v map[string]any
		if json.Unmarshal(raw, &v) != nil {
			continue
		}
		for _, k := range []string{"name", "title"} {
			if s, ok := v[k].(string); ok && s != "" && e.EntityType != "api_token" {
				return s
			}
		}
	}
	return ""
}

// pledgeCommunity is the community that made a pledge, when the entry says.
func pledgeCommunity(e model.AuditEntry) string {
	for _, raw := range []json.RawMessage{e.After, e.Before} {
		var v map[string]any
		if len(raw) > 0 && json.Unmarshal(raw, &v) == nil {
			if s, ok := v["community_name"].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

func init() {
	for name, fn := range map[string]any{
		"activity":    describeAudit,
		"actionLabel": actionLabel,
		"entityLabel": entityLabel,
	} {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}
