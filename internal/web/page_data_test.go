package web

import (
	"reflect"
	"testing"
)

// Templates never call back into app: a Page carries data the handler
// loaded before rendering, and its only methods read the form it holds.
// A method that loaded a section while the template ran would hide a
// failing section instead of failing the page.
func TestPageHasNoLoaders(t *testing.T) {
	allowed := map[string]bool{"Err": true, "Value": true}
	pt := reflect.TypeOf(&Page{})
	for i := range pt.NumMethod() {
		if m := pt.Method(i); !allowed[m.Name] {
			t.Errorf("Page.%s: templates must not load data; load it in the handler and put it in the page's data", m.Name)
		}
	}
	for i := range pt.Elem().NumField() {
		f := pt.Elem().Field(i)
		if f.Type == reflect.TypeOf(&UI{}) {
			t.Errorf("Page.%s holds the UI: templates could reach app through it", f.Name)
		}
	}
}
