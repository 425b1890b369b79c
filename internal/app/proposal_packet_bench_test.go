package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/pdfdoc/pdftext"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// The packet benchmark: 20 initiatives, 30 endorsements with
// consent and a story, 30 letters of 1 MB.
const (
	packetInitiatives = 20
	packetEndorsers   = 30
	packetLetterBytes = 1 << 20
)

// packetWorld builds the benchmark's proposal on a fresh SQLite database
// and returns the app, the staff reader and the proposal's id.
func packetWorld(tb testing.TB) (*app.App, *model.User, int64) {
	tb.Helper()
	ctx := context.Background()
	a := app.New(storagetest.Open(tb, storage.SQLite), slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
	if err := a.ConfigureNotifications(ctx, "https://consortia.example.org"); err != nil {
		tb.Fatal(err)
	}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	admin, err := a.CreateUser(ctx, nil, model.UserInput{Email: "staff@example.org", Name: "Sam Staff", Role: model.RoleAdmin}, "")
	must(err)
	var slugs []string
	for i := range packetInitiatives {
		in, err := a.CreateInitiative(ctx, admin, model.InitiativeInput{Title: fmt.Sprintf("Initiative %02d", i+1), Public: true,
			Problem: strings.Repeat("Instructors wait days for a GPU node at the start of term. ", 8), Solution: strings.Repeat("A shared queue with reservations. ", 8),
			HoursLow: 100, HoursHigh: 200})
		must(err)
		slugs = append(slugs, in.Slug)
	}
	p, err := a.CreateProposal(ctx, admin, model.ProposalInput{Title: "Shared GPUs for teaching", Funder: "Open Science Fund",
		Deadline: time.Now().Add(60 * 24 * time.Hour), Amount: 50_000_000, Currency: "USD", Initiatives: slugs})
	must(err)
	var communities []string
	leads := map[string]*model.User{}
	for i := range packetEndorsers {
		slug := fmt.Sprintf("community-%02d", i+1)
		_, err := a.CreateCommunity(ctx, admin, model.CommunityInput{Slug: slug, Name: fmt.Sprintf("Community %02d", i+1), Kind: "university"})
		must(err)
		lead, err := a.CreateUser(ctx, nil, model.UserInput{Email: slug + "@example.org", Name: "Lead of " + slug, Role: model.RoleMember}, "")
		must(err)
		_, err = a.SetAffiliation(ctx, admin, slug, lead.Email, model.AffiliationLead)
		must(err)
		communities, leads[slug] = append(communities, slug), lead
	}
	_, err = a.RequestEndorsements(ctx, admin, p.ID, model.EndorsementRequestInput{Communities: communities,
		Asks: model.EndorsementAsks{Letter: true, Story: true, Consent: true}})
	must(err)
	for _, slug := range communities {
		_, err := a.AnswerEndorsement(ctx, leads[slug], p.ID, slug, model.ProposalEndorsementInput{ConsentToBeNamed: true,
			Story: &model.Story{Who: "Instructors", Before: "Labs waited.", After: "Labs run on time.", Quote: "It just works."}})
		must(err)
		_, err = a.UploadLetter(ctx, leads[slug], p.ID, slug, "letter.pdf", pdftext.Padded(packetLetterBytes, slug))
		must(err)
	}
	return a, admin, p.ID
}

func BenchmarkPacketPDF(b *testing.B) {
	a, admin, id := packetWorld(b)
	ctx := context.Background()
	var size int
	for b.Loop() {
		_, body, err := a.PacketPDF(ctx, admin, id)
		if err != nil {
			b.Fatal(err)
		}
		size = len(body)
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// peakHeap runs fn while sampling the heap every millisecond and returns
// how far the heap grew above where it was before (in bytes).
func peakHeap(fn func() error) (uint64, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	err := fn()
	close(done)
	if p := peak.Load(); p > base {
		return p - base, err
	}
	return 0, err
}

func BenchmarkPacketZIP(b *testing.B) {
	a, admin, id := packetWorld(b)
	ctx := context.Background()
	var worst uint64
	var written int64
	for b.Loop() {
		grew, err := peakHeap(func() error {
			_, write, err := a.PacketZIP(ctx, admin, id)
			if err != nil {
				return err
			}
			cw := &countingWriter{}
			err = write(cw)
			written = cw.n
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		worst = max(worst, grew)
	}
	b.ReportMetric(float64(written)/(1<<20), "zip-MB")
	b.ReportMetric(float64(worst)/(1<<20), "peak-heap-growth-MB")
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestPacketZIPHoldsOneLetterAtATime: writing the ZIP of 30 letters of 1 MB
// grows the heap by far less than the 30 MB the letters weigh (they are read
// from the database one at a time), and the ZIP holds every letter.
func TestPacketZIPHoldsOneLetterAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds a proposal with 30 MB of letters (-short)")
	}
	a, admin, id := packetWorld(t)
	var zipped bytes.Buffer
	_, write, err := a.PacketZIP(context.Background(), admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(&zipped); err != nil {
		t.Fatal(err)
	}
	if zipped.Len() < packetEndorsers*packetLetterBytes {
		t.Fatalf("the ZIP is %d bytes, less than its %d letters", zipped.Len(), packetEndorsers)
	}
	zipped = bytes.Buffer{}
	grew, err := peakHeap(func() error {
		_, write, err := a.PacketZIP(context.Background(), admin, id)
		if err != nil {
			return err
		}
		return write(io.Discard)
	})
	if err != nil {
		t.Fatal(err)
	}
	const bound = 15 << 20
	if grew > bound {
		t.Fatalf("writing the ZIP grew the heap by %.1f MB (bound %d MB): the letters are held in memory", float64(grew)/(1<<20), bound>>20)
	}
	t.Logf("heap growth while writing a ZIP of %d MB of letters: %.1f MB", packetEndorsers, float64(grew)/(1<<20))
}
