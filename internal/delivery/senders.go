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
	"slices"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/redact"
)

// Sender delivers batches of messages of one channel.
type Sender interface {
	// Send works through the batch in order: for each message it calls
	// Begin right before sending (and skips the message when Begin says
	// no), sends within the batch's Timeout, and reports the outcome to
	// Done at once. A message that cannot be sent at all (a bad address,
	// no connection) goes to Done without Begin. Send stops early when ctx
	// ends.
	Send(ctx context.Context, b Batch)
}

// Batch is a sender's work: messages of one channel and the worker's hooks
// around each send, which keep a message from going out twice.
type Batch struct {
	Messages []*model.OutboxMessage
	// Timeout bounds the send of one message; the worker's lease is longer.
	Timeout time.Duration
	// Begin claims a message right before it is sent; false: another
	// worker took it over or it is recorded sent already.
	Begin func(*model.OutboxMessage) bool
	// Done records a message's outcome (nil: delivered).
	Done func(*model.OutboxMessage, error)
}

// each sends the messages one by one with send, each within the timeout.
func (b Batch) each(ctx context.Context, send func(context.Context, *model.OutboxMessage) error) {
	for _, m := range b.Messages {
		if ctx.Err() != nil || !b.Begin(m) {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, b.Timeout)
		err := send(sctx, m)
		cancel()
		b.Done(m, err)
	}
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
	host string
	opts []mail.Option
	from string
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
	// No NOOP before each message: a dead connection fails the message
	// all the same, and the round trip would be paid per message.
	opts := []mail.Option{mail.WithoutNoop()}
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
	s := &SMTP{host: u.Hostname(), opts: opts, from: from}
	if _, err := s.client(time.Minute); err != nil { // options go-mail refuses fail now, not at the first send
		return nil, err
	}
	return s, nil
}

// client returns a mail client whose every message must be through within
// timeout (go-mail sets the connection's deadline before each message).
func (s *SMTP) client(timeout time.Duration) (*mail.Client, error) {
	return mail.NewClient(s.host, append(slices.Clip(s.opts), mail.WithTimeout(timeout))...)
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

// Send delivers the batch over one connection, opening another after a
// message fails; when the server cannot be reached, the rest of the batch
// waits for a retry.
func (s *SMTP) Send(ctx context.Context, b Batch) {
	client, err := s.client(b.Timeout)
	var conn *smtp.Client
	defer func() {
		if conn != nil {
			_ = client.CloseWithSMTPClient(conn)
		}
	}()
	for i, m := range b.Messages {
		if ctx.Err() != nil {
			return
		}
		msg, merr := message(s.from, m)
		if merr != nil {
			b.Done(m, merr)
			continue
		}
		if err == nil && conn == nil {
			conn, err = client.DialToSMTPClientWithContext(ctx)
		}
		if err != nil {
			for _, rest := range b.Messages[i:] {
				b.Done(rest, err)
			}
			return
		}
		if !b.Begin(m) {
			continue
		}
		if err := sendResult(msg, client.SendWithSMTPClient(conn, msg)); err != nil {
			b.Done(m, err)
			// The connection may be broken: start afresh for the next one.
			_ = client.CloseWithSMTPClient(conn)
			conn = nil
			continue
		}
		b.Done(m, nil)
	}
}

// sendResult turns go-mail's outcome for one message into ours: rejected
// for good (5xx), worth retrying, or delivered.
func sendResult(msg *mail.Msg, err error) error {
	switch {
	case msg.IsDelivered():
		return nil
	case msg.HasSendError():
		se := msg.SendError()
		var sendErr *mail.SendError
		if errors.As(se, &sendErr) && !sendErr.IsTemp() && sendErr.ErrorCode() >= 500 {
			return &PermanentError{Err: se}
		}
		return se
	case err != nil:
		// The connection failed before this message went through.
		return err
	default:
		return errors.New("the mail server did not confirm delivery")
	}
}

// Folder writes each email as an .eml file: what the demo does when no
// mail server is configured, so a newcomer sees what would be sent.
type Folder struct {
	Dir  string
	From string
}

// Send writes the messages.
func (f *Folder) Send(ctx context.Context, b Batch) {
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		for _, m := range b.Messages {
			b.Done(m, err)
		}
		return
	}
	b.each(ctx, func(_ context.Context, m *model.OutboxMessage) error {
		msg, err := message(f.From, m)
		if err != nil {
			return err
		}
		return msg.WriteToFile(filepath.Join(f.Dir, fmt.Sprintf("%06d-%s.eml", m.ID, safeName(m.Recipient))))
	})
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '@' {
			return r
		}
		return '_'
	}, s)
}

// HTTP posts JSON payloads: Slack incoming webhooks and generic webhooks,
// signed with their hook's secret and the time of sending.
type HTTP struct {
	Client *http.Client
	// Now is the clock of signatures (nil: time.Now).
	Now func() time.Time
}

// Send posts each message.
func (h *HTTP) Send(ctx context.Context, b Batch) {
	client := h.Client
	if client == nil {
		client = &http.Client{} // each post is bounded by the batch's timeout
	}
	b.each(ctx, func(ctx context.Context, m *model.OutboxMessage) error { return h.post(ctx, client, m) })
}

func (h *HTTP) post(ctx context.Context, client *http.Client, m *model.OutboxMessage) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Recipient, strings.NewReader(m.Payload))
	if err != nil {
		return &PermanentError{Err: fmt.Errorf("webhook URL: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "consortia-webhooks")
	// The same on every attempt: the receiver's idempotency key.
	req.Header.Set("X-Consortia-Delivery", m.MessageID)
	for k, v := range m.Headers {
		req.Header.Set(k, v)
	}
	if m.HookID != nil {
		if m.SigningSecret == "" {
			return &PermanentError{Err: errors.New("the webhook was disconnected before this post was sent")}
		}
		now := time.Now
		if h.Now != nil {
			now = h.Now
		}
		req.Header.Set(SignatureHeader, notify.WebhookSignature(m.SigningSecret, now(), []byte(m.Payload)))
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

// SignatureHeader carries a webhook post's signature (notify.WebhookSignature).
const SignatureHeader = "X-Consortia-Signature"
