package delivery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"consortia/internal/delivery"
	"consortia/internal/delivery/deliverytest"
	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// benchMessages is how many messages each run delivers.
const benchMessages = 2000

// BenchmarkOutboxDelivery drains an outbox of real digest emails (text and
// HTML parts, ten items each) to a local SMTP server (the target: 500+
// messages/s).
func BenchmarkOutboxDelivery(b *testing.B) {
	ctx := context.Background()
	s := storagetest.Open(b, storage.SQLite)
	server := deliverytest.StartSMTP(b)
	smtp, err := delivery.NewSMTP(server.URL(), "consortia <noreply@consortia.example.org>")
	if err != nil {
		b.Fatal(err)
	}
	site := notify.Site{BaseURL: "https://consortia.example.org", Signer: notify.Signer{Key: []byte("benchmark-key")}, AnswerValidity: time.Hour}
	var items []notify.Item
	for i := range 10 {
		cid := int64(i%3 + 1)
		items = append(items, notify.Item{Event: model.Event{ID: int64(i), Kind: model.EventUpdatePosted, ConsortiumID: &cid,
			Consortium: fmt.Sprintf("Consortium %d", cid), Title: fmt.Sprintf("Update number %d", i), URL: "/consortia/c#updates",
			CreatedAt: time.Now()}})
	}
	size := 0
	seq := 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		err := s.InTx(ctx, func(tx *storage.Tx) error {
			for i := range benchMessages {
				m, err := site.Email(notify.Person{ID: int64(i + 1), Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("person%d@example.org", i)},
					items, model.ModeWeekly, time.Now())
				if err != nil {
					return err
				}
				seq++
				m.MessageID = fmt.Sprintf("bench-%d@consortia.example.org", seq)
				m.UserID = nil // no such account here
				size = len(m.Text) + len(m.HTML)
				if err := tx.Enqueue(ctx, &m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		w := delivery.NewWorker(s, map[string]delivery.Sender{model.ChannelEmail: smtp}, quiet)
		b.StartTimer()
		r, err := w.Drain(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if r.Sent != benchMessages {
			b.Fatalf("delivered %+v", r)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(benchMessages*b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(size), "bytes/msg")
	if got := len(server.Received()); got != benchMessages*b.N {
		b.Fatalf("the server received %d", got)
	}
}
