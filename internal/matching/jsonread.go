package matching

import (
	"encoding/json"

	"consortia/internal/jsonin"
)

// reader decodes a round document with jsonin, which gives every problem its
// JSON path, line and column; input.go adds the round format.
type reader struct{ *jsonin.Reader }

func newReader(data []byte) *reader {
	return &reader{jsonin.NewReader(data)}
}

// object reads an object; field must consume each value. isObject and off
// (where the value starts) let the caller report missing fields.
func (r *reader) object(path string, field func(key, kpath string, koff int) error) (isObject bool, off int, err error) {
	tok, off, err := r.Next(path)
	if err != nil {
		return false, off, err
	}
	return tok == json.Delim('{'), off, r.Object(path, tok, off, field)
}
