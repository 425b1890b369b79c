package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// PlainText turns Markdown into readable plain text for places that show no
// HTML (calendar descriptions, the text part of emails): the words without
// the markup, a paragraph per block, "- " before list items, and a link's
// address after its text when the two differ.
func PlainText(src string) string {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var b strings.Builder
	var walk func(n ast.Node, depth int)
	walk = func(n ast.Node, depth int) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch node := c.(type) {
			case *ast.Text:
				b.Write(node.Segment.Value(source))
				if node.SoftLineBreak() {
					b.WriteByte(' ')
				}
				if node.HardLineBreak() {
					b.WriteByte('\n')
				}
			case *ast.String:
				b.Write(node.Value)
			case *ast.CodeSpan:
				walk(node, depth)
			case *ast.AutoLink:
				b.Write(node.URL(source))
			case *ast.Link:
				start := b.Len()
				walk(node, depth)
				label := b.String()[start:]
				if dest := string(node.Destination); dest != "" && dest != label {
					b.WriteString(" (" + dest + ")")
				}
			case *ast.Image:
				walk(node, depth)
			case *ast.RawHTML, *ast.HTMLBlock:
				// Markup people did not mean as words.
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				lines := node.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(source))
				}
				endBlock(&b)
			case *ast.ListItem:
				b.WriteString(strings.Repeat("  ", depth) + "- ")
				walk(node, depth+1)
				if !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte('\n')
				}
			case *ast.List:
				walk(node, depth)
				if depth == 0 {
					b.WriteByte('\n')
				}
			case *east.TableCell:
				walk(node, depth)
				b.WriteString("\t")
			case *east.TableRow, *east.TableHeader:
				walk(node, depth)
				b.WriteByte('\n')
			case *ast.ThematicBreak:
				endBlock(&b)
			default:
				walk(c, depth)
				if c.Type() == ast.TypeBlock {
					if _, inItem := n.(*ast.ListItem); inItem {
						if !strings.HasSuffix(b.String(), "\n") {
							b.WriteByte('\n')
						}
					} else {
						endBlock(&b)
					}
				}
			}
		}
	}
	walk(doc, 0)
	return strings.TrimSpace(b.String())
}

// endBlock ends a paragraph with a blank line.
func endBlock(b *strings.Builder) {
	s := b.String()
	switch {
	case strings.HasSuffix(s, "\n\n") || s == "":
	case strings.HasSuffix(s, "\n"):
		b.WriteByte('\n')
	default:
		b.WriteString("\n\n")
	}
}
