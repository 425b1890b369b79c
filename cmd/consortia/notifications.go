package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"consortia/internal/app"
	"consortia/internal/delivery"
	"consortia/internal/model"
)

// mailFlags configure how messages leave: SMTP when a URL is given,
// otherwise .eml files in a folder (so a newcomer sees what would be sent).
type mailFlags struct {
	SMTPURL  string `name:"smtp-url" help:"SMTP server: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (implicit TLS) (env CONSORTIA_SMTP_URL). Without it, email is written to --mail-dir."`
	MailFrom string `name:"mail-from" default:"${mail_from}" help:"Sender address of email (env CONSORTIA_MAIL_FROM)."`
	MailDir  string `name:"mail-dir" default:"${mail_dir}" help:"Folder for .eml files when no SMTP server is configured (env CONSORTIA_MAIL_DIR)."`
	BaseURL  string `name:"base-url" default:"${base_url}" help:"Public URL of the site, used in links in messages (env CONSORTIA_BASE_URL)."`
}

func (m mailFlags) senders() (map[string]delivery.Sender, string, error) {
	httpSender := &delivery.HTTP{}
	senders := map[string]delivery.Sender{model.ChannelSlack: httpSender, "webhook": httpSender}
	if m.SMTPURL != "" {
		s, err := delivery.NewSMTP(m.SMTPURL, m.MailFrom)
		if err != nil {
			return nil, "", err
		}
		senders[model.ChannelEmail] = s
		return senders, "SMTP", nil
	}
	dir, err := filepath.Abs(m.MailDir)
	if err != nil {
		return nil, "", err
	}
	senders[model.ChannelEmail] = &delivery.Folder{Dir: dir, From: m.MailFrom}
	return senders, "files in " + dir, nil
}

// runDigests queues due digests, and reminders of proposals' sections and
// deadlines, every hour while the server runs. Several instances may do
// this at once: each notification still lands in exactly one digest, and
// each reminder is queued once.
func runDigests(ctx context.Context, a *app.App, e *env) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		for _, period := range []string{model.ModeDaily, model.ModeWeekly} {
			if n, err := a.SendDigests(ctx, period, false); err != nil && ctx.Err() == nil {
				e.log.Warn("digests", "period", period, "err", err)
			} else if n > 0 {
				e.log.Info("queued digests", "period", period, "count", n)
			}
		}
		if n, err := a.SendProposalReminders(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("proposal reminders", "err", err)
		} else if n > 0 {
			e.log.Info("queued proposal reminders", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type outboxCmd struct {
	Status  outboxStatusCmd  `cmd:"" help:"Show the delivery queue: pending, sent and failed messages."`
	Retry   outboxRetryCmd   `cmd:"" help:"Put failed messages back in the queue."`
	Deliver outboxDeliverCmd `cmd:"" help:"Deliver every due message now, then exit."`
}

type outboxStatusCmd struct {
	dbFlag `embed:""`
}

func (c *outboxStatusCmd) Run(e *env) error {
	store, err := openExisting(e.ctx, c.DB, e)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := store.OutboxStatus(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "pending  %d\nsending  %d\nsent     %d\nfailed   %d\n", st.Pending, st.Sending, st.Sent, st.Failed)
	fmt.Fprintf(e.stdout, "retried  %d (took more than one attempt)\n", st.Retried)
	fmt.Fprintf(e.stdout, "duplicates suspected  %d", st.DuplicatesSuspected)
	if st.DuplicatesSuspected > 0 {
		fmt.Fprint(e.stdout, " (a send was interrupted before its result was recorded, or a message was sent twice: see /admin/outbox)")
	}
	fmt.Fprintln(e.stdout)
	if st.OldestPending != nil {
		fmt.Fprintf(e.stdout, "oldest pending message queued %s ago\n", time.Since(*st.OldestPending).Round(time.Second))
	}
	for ch, n := range st.ByChannel {
		fmt.Fprintf(e.stdout, "channel %-8s %d\n", ch, n)
	}
	return nil
}

type outboxRetryCmd struct {
	dbFlag `embed:""`
	ID     int64 `name:"id" help:"Retry only this message (default: every failed one)."`
}

func (c *outboxRetryCmd) Run(e *env) error {
	store, err := openExisting(e.ctx, c.DB, e)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := app.New(store, e.log).RetryOutbox(e.ctx, nil, c.ID)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintf(e.stdout, "requeued %d message(s)\n", n)
	return err
}

type outboxDeliverCmd struct {
	dbFlag    `embed:""`
	mailFlags `embed:""`
}

func (c *outboxDeliverCmd) Run(e *env) error {
	store, err := openExisting(e.ctx, c.DB, e)
	if err != nil {
		return err
	}
	defer store.Close()
	senders, how, err := c.senders()
	if err != nil {
		return err
	}
	r, err := delivery.NewWorker(store, senders, e.log).Drain(e.ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "delivered %d, will retry %d, failed %d (email as %s)\n", r.Sent, r.Retrying, r.Failed, how)
	return err
}

type digestCmd struct {
	Send digestSendCmd `cmd:"" help:"Queue the digests that are due (or all with --now) and deliver them."`
}

type digestSendCmd struct {
	dbFlag    `embed:""`
	mailFlags `embed:""`
	Period    string `name:"period" enum:"daily,weekly,all" default:"all" help:"Which digests: daily, weekly or all."`
	Now       bool   `name:"now" help:"Send every pending digest now, even if the person had one recently."`
}

func (c *digestSendCmd) Run(e *env) error {
	store, err := openExisting(e.ctx, c.DB, e)
	if err != nil {
		return err
	}
	defer store.Close()
	a := app.New(store, e.log)
	if err := a.ConfigureNotifications(e.ctx, baseURLOr(c.BaseURL)); err != nil {
		return err
	}
	periods := []string{model.ModeDaily, model.ModeWeekly}
	if c.Period != "all" {
		periods = []string{c.Period}
	}
	total := 0
	for _, p := range periods {
		n, err := a.SendDigests(e.ctx, p, c.Now)
		if err != nil {
			return describe(err)
		}
		total += n
	}
	senders, how, err := c.senders()
	if err != nil {
		return err
	}
	r, err := delivery.NewWorker(store, senders, e.log).Drain(e.ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "queued %d digest(s); delivered %d message(s), %d to retry, %d failed (email as %s)\n", total, r.Sent, r.Retrying, r.Failed, how)
	return err
}

func baseURLOr(u string) string {
	if u == "" {
		return "http://127.0.0.1:8080"
	}
	return u
}
