// Package pdfdoc renders the documents the host hands to funders and co-funders
// — a proposal's packet and an initiative's statement of work — as PDF from
// plain structs. It does no I/O beyond the writer it is given and knows nothing
// of storage or HTTP; callers decide what a reader may see (a community that
// has not consented to be named is simply not in the struct).
package pdfdoc

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"consortia/internal/model"
)

// Page geometry in millimetres (A4 portrait).
const (
	margin    = 20.0
	lineH     = 5.5
	bodySize  = 10.5
	smallSize = 8.5
)

// doc wraps fpdf with the few blocks both documents are made of.
type doc struct {
	pdf   *fpdf.Fpdf
	tr    func(string) string
	width float64 // usable width between the margins
}

// newDoc starts a document with its metadata and a page-numbered footer.
func newDoc(title, footer string, created time.Time) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.SetTitle(title, true)
	pdf.SetCreator("consortia", true)
	pdf.SetProducer("consortia", true)
	pdf.SetLang("en")
	if !created.IsZero() {
		pdf.SetCreationDate(created)
		pdf.SetModificationDate(created)
	}
	pdf.AliasNbPages("{nb}")
	d := &doc{pdf: pdf, tr: latin(pdf.UnicodeTranslatorFromDescriptor(""))}
	w, _ := pdf.GetPageSize()
	d.width = w - 2*margin
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin + 5)
		pdf.SetFont("Helvetica", "", smallSize)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 4, d.tr(footer), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 4, fmt.Sprintf("%d / {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	return d
}

// latin turns text into the core fonts' code page (Windows-1252): characters
// it lacks become "?" rather than vanishing, and control characters other
// than line breaks become spaces.
func latin(cp func(string) string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r == '\n':
				b.WriteRune(r)
			case r < 0x20 || r == 0x7f:
				b.WriteByte(' ')
			case r < 0x80:
				b.WriteRune(r)
			default:
				if c := cp(string(r)); c != "." {
					b.WriteString(c)
				} else {
					b.WriteByte('?')
				}
			}
		}
		return b.String()
	}
}

func (d *doc) title(s string) {
	d.pdf.SetFont("Helvetica", "B", 22)
	d.pdf.MultiCell(0, 10, d.tr(s), "", "L", false)
	d.pdf.Ln(2)
}

// heading starts a section (a bookmark too, so readers can jump to it).
func (d *doc) heading(s string) {
	d.pdf.Ln(4)
	if _, pageH := d.pdf.GetPageSize(); d.pdf.GetY() > pageH-margin-25 {
		d.pdf.AddPage()
	}
	d.pdf.Bookmark(d.tr(s), 0, -1)
	d.pdf.SetFont("Helvetica", "B", 15)
	d.pdf.MultiCell(0, 8, d.tr(s), "", "L", false)
	d.pdf.Ln(1)
}

func (d *doc) subheading(s string) {
	d.pdf.Ln(2)
	d.pdf.SetFont("Helvetica", "B", 12)
	d.pdf.MultiCell(0, 6.5, d.tr(s), "", "L", false)
}

// para writes a paragraph; empty text writes nothing.
func (d *doc) para(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	d.pdf.SetFont("Helvetica", "", bodySize)
	d.pdf.MultiCell(0, lineH, d.tr(s), "", "L", false)
	d.pdf.Ln(1.5)
}

// labelled writes "Label: text" with the label in bold, when text is not empty.
func (d *doc) labelled(label, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	d.pdf.SetFont("Helvetica", "B", bodySize)
	d.pdf.MultiCell(0, lineH, d.tr(label), "", "L", false)
	d.para(s)
}

// facts writes a two-column list of label/value pairs (values may be empty: skipped).
func (d *doc) facts(pairs [][2]string) {
	const labelW = 45.0
	for _, p := range pairs {
		if strings.TrimSpace(p[1]) == "" {
			continue
		}
		d.pdf.SetFont("Helvetica", "B", bodySize)
		d.pdf.CellFormat(labelW, lineH+1, d.tr(p[0]), "", 0, "L", false, 0, "")
		d.pdf.SetFont("Helvetica", "", bodySize)
		d.pdf.MultiCell(d.width-labelW, lineH+1, d.tr(p[1]), "", "L", false)
	}
}

// bullets writes a list; an empty list writes the note instead.
func (d *doc) bullets(items []string, none string) {
	d.pdf.SetFont("Helvetica", "", bodySize)
	if len(items) == 0 {
		d.pdf.SetTextColor(90, 90, 90)
		d.pdf.MultiCell(0, lineH, d.tr(none), "", "L", false)
		d.pdf.SetTextColor(0, 0, 0)
		return
	}
	for _, it := range items {
		d.pdf.CellFormat(6, lineH, d.tr("•"), "", 0, "L", false, 0, "")
		d.pdf.MultiCell(d.width-6, lineH, d.tr(it), "", "L", false)
	}
}

// table writes a header row and rows; the widths are fractions of the line,
// and columns after the first are right-aligned (amounts).
func (d *doc) table(widths []float64, header []string, rows [][]string, footer []string) {
	row := func(cells []string, style string, fill bool) {
		d.pdf.SetFont("Helvetica", style, bodySize)
		for i, c := range cells {
			align := "R"
			if i == 0 {
				align = "L"
			}
			ln := 0
			if i == len(cells)-1 {
				ln = 1
			}
			d.pdf.CellFormat(widths[i]*d.width, lineH+1.5, d.tr(fit(d, c, widths[i]*d.width-2)), "B", ln, align, fill, 0, "")
		}
	}
	d.pdf.SetFillColor(235, 238, 242)
	row(header, "B", true)
	for _, r := range rows {
		row(r, "", false)
	}
	if footer != nil {
		row(footer, "B", true)
	}
	d.pdf.Ln(2)
}

// fit shortens a cell's text with an ellipsis so that it stays in its column.
func fit(d *doc, s string, w float64) string {
	if d.pdf.GetStringWidth(d.tr(s)) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && d.pdf.GetStringWidth(d.tr(string(r)+"…")) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// write finishes the document into w.
func (d *doc) write(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return err
	}
	return d.pdf.Output(w)
}

// Estimate is an initiative's hours range and the cost range at its rate.
type Estimate struct {
	HoursLow, HoursHigh int64
	CostLow, CostHigh   model.Money
}

// String says "120–200 hours, USD 18,000.00–USD 30,000.00".
func (e Estimate) String() string {
	if e.HoursLow == 0 && e.HoursHigh == 0 {
		return "not estimated yet"
	}
	return fmt.Sprintf("%d–%d hours, %s–%s", e.HoursLow, e.HoursHigh, e.CostLow, e.CostHigh)
}

// Initiative is a piece of roadmap work as the documents describe it.
type Initiative struct {
	Title          string
	Problem        string // plain text
	Solution       string
	Implementation string
	Estimate       Estimate
	Tasks          []Task
}

// Task is a sub-task of an initiative: a deliverable in a statement of work.
type Task struct {
	Title string
	Done  bool
}

// initiative writes an initiative's problem, solution and estimate.
func (d *doc) initiative(in Initiative, withImplementation bool) {
	d.subheading(in.Title)
	d.labelled("Problem", in.Problem)
	d.labelled("Proposed solution", in.Solution)
	if withImplementation {
		d.labelled("Implementation", in.Implementation)
	}
	d.labelled("Estimate", in.Estimate.String())
}

// dateTime formats a moment in its own zone: "15 March 2027, 17:00 (America/New_York)".
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006, 15:04") + " (" + t.Location().String() + ")"
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}
