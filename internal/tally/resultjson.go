package tally

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// WriteResultJSON writes r as JSON laid out for people as much as for tools:
// one field per line, and long lists (tiers, matrix rows, scores, majorities,
// explanation sentences) one element per line, so that a 100-candidate
// matrix is 100 lines rather than 10,000. Characters such as ">" are not
// HTML-escaped. The content is exactly what encoding/json produces for r.
// This is the output of "consortia tally".
func WriteResultJSON(w io.Writer, r *Result) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	dec := json.NewDecoder(&compact)
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("{")
	first := true
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		name, _ := json.Marshal(key)
		bw.WriteString("\n  ")
		bw.Write(name)
		bw.WriteString(": ")
		writeLaidOut(bw, value)
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// writeLaidOut writes a compact JSON value, putting the elements of an array
// on separate lines when they are arrays or objects or the array is long.
const inlineArrayLimit = 80

func writeLaidOut(bw *bufio.Writer, value json.RawMessage) {
	if len(value) == 0 || value[0] != '[' {
		writeSpaced(bw, value)
		return
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(value, &elems); err != nil || len(elems) == 0 {
		writeSpaced(bw, value)
		return
	}
	nested := elems[0][0] == '[' || elems[0][0] == '{'
	if !nested && len(value) <= inlineArrayLimit {
		writeSpaced(bw, value)
		return
	}
	bw.WriteString("[")
	for i, el := range elems {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		writeSpaced(bw, el)
	}
	bw.WriteString("\n  ]")
}

// writeSpaced writes compact JSON with a space after every comma and colon
// that is not inside a string.
func writeSpaced(bw *bufio.Writer, value []byte) {
	inString, escaped := false, false
	for _, c := range value {
		bw.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			bw.WriteByte(' ')
		}
	}
}
