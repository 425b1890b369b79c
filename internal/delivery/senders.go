// Package delivery sends outbox messages — email over SMTP (or into a
// folder when no mail server is configured), Slack incoming webhooks and
// signed generic webhooks — and runs the workers that drain the outbox
// with retries and exponential backoff.
package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"consortia/internal/model"
	"consortia/internal/redact"
)

// Sender delivers a batch of messages of one channel and returns one error
// per message (nil when delivered).
type Sender interface {
	Send(ctx context.Context, msgs []*model.OutboxMessage) []error
}

// PermanentError marks a failure that retrying will not fix (a rejected
// address, a webhook that answers 404): the message fails for good.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a permanent failure.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// SMTP sends email through an SMTP server, many messages per connection.
type SMTP struct {
	client *mail.Client
	from   string
}

// NewSMTP configures a sender from a URL: smtp://user:pass@host:587 uses
// STARTTLS when the server offers it (add ?starttls=required to insist),
// smtps://user:pass@host:465 uses implicit TLS.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: %w", redact.ParseError(err))
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("SMTP URL %q: the scheme must be smtp or smtps", redact.Connection(rawURL))
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP URL %q: no host", redact.Connection(rawURL))
	}
	if err := mail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("mail from %q: %w", from, err)
	}
	opts := []mail.Option{mail.WithTimeout(15 * time.Second)}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, mail.WithSSL())
	} else if u.Query().Get("starttls") == "required" {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP URL: bad port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(u.User.Username()), mail.WithPassword(pw))
	}
	c, err := mail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, err
	}
	return &SMTP{client: c, from: from}, nil
}

// message builds the MIME message: text and HTML alternatives, our
// Message-ID (the idempotency key) and extra headers.
func message(from string, m *model.OutboxMessage) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, err
	}
	if err := msg.To(m.Recipient); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("invalid address %q: %w", m.Recipient, err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDate()
	for k, v := range m.Headers {
		msg.SetGenHeader(mail.Header(k), v)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// Send delivers the batch over one connection.
func (s *SMTP) Send(ctx context.Context, msgs []*model.OutboxMessage) []error {
	errs := make([]error, len(msgs))
	var built []*mail.Msg
	var index []int
	for i, m := range msgs {
		msg, err := message(s.from, m)
		if err != nil {
			errs[i] = err
			continue
		}
		built = append(built, msg)
		index = append(index, i)
	}
	if len(built) == 0 {
		return errs
	}
	err := s.client.DialAndSendWithContext(ctx, built...)
	for j, msg := range built {
		i := index[j]
		switch {
		case msg.IsDelivered():
		case msg.HasSendError():
			se := msg.SendError()
			var sendErr *mail.SendError
			if errors.As(se, &sendErr) && !sendErr.IsTemp() && sendErr.ErrorCode() >= 500 {
				errs[i] = &PermanentError{Err: se}
			} else {
				errs[i] = se
			}
		case err != nil:
			// The connection failed before this message went through.
			errs[i] = err
		default:
			errs[i] = errors.New("the mail server did not confirm delivery")
		}
	}
	return errs
}

// Folder writes each email as an .eml file: what the demo does when no
// mail server is configured, so a newcomer sees what would be sent.
type Folder struct {
	Dir  string
	From string
}

// Send writes the messages.
func (f *Folder) Send(_ context.Context, msgs []*model.OutboxMessage) []error {
	errs := make([]error, len(msgs))
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for i, m := range msgs {
		msg, err := message(f.From, m)
		if err != nil {
			errs[i] = err
			continue
		}
		name := filepath.Join(f.Dir, fmt.Sprintf("%06d-%s.eml", m.ID, safeName(m.Recipient)))
		errs[i] = msg.WriteToFile(name)
	}
	return errs
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '@' {
			return r
		}
		return '_'
	}, s)
}

// HTTP posts JSON payloads: Slack incoming webhooks and generic webhooks
// (whose signature header was computed when the message was composed).
type HTTP struct {
	Client *http.Client
}

// Send posts each message.
func (h *HTTP) Send(ctx context.Context, msgs []*model.OutboxMessage) []error {
	errs := make([]error, len(msgs))
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	for i, m := range msgs {
		errs[i] = h.post(ctx, client, m)
	}
	return errs
}

func (h *HTTP) post(ctx context.Context, client *http.Client, m *model.OutboxMessage) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Recipient, strings.NewReader(m.Payload))
	if err != nil {
		return &PermanentError{Err: fmt.Errorf("webhook URL: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "consortia-webhooks")
	req.Header.Set("X-Consortia-Delivery", m.MessageID)
	for k, v := range m.Headers {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		return err // network errors and timeouts are worth retrying
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500 || res.StatusCode == http.StatusRequestTimeout:
		return fmt.Errorf("webhook answered %d: %s", res.StatusCode, bytes.TrimSpace(body))
	default:
		return &PermanentError{Err: fmt.Errorf("webhook answered %d: %s", res.StatusCode, bytes.TrimSpace(body))}
	}
}
