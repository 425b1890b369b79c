package budget

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParsePB feeds arbitrary bytes to the parser. It must never panic;
// any error must be a *ValidationError; and whatever parses must survive
// a write/parse round trip and (when small) an allocation.
func FuzzParsePB(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(dataDir, "*.pb"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err == nil && len(data) < 20000 {
			f.Add(data)
		}
	}
	f.Add([]byte(smallPB))
	f.Add([]byte("\ufeffMETA\r\nkey;value\r\nbudget;10,5\r\nvote_type;scoring\r\nPROJECTS\r\nproject_id;cost\r\na;1\r\nVOTES\r\nvoter_id;vote;points\r\n1;a;3;\r\n"))
	f.Add([]byte("META\nkey;value\nbudget;4\nPROJECTS\nproject_id;cost;name\n1;2;\"a \"\"b\"\"\"\nVOTES\nvoter_id;vote\nx;1,1\n"))
	f.Add([]byte("META\nbudget;1\nPROJECTS\nproject_id;cost\n\"1;2\";0\nVOTES\nvoter_id;vote\nvotes;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := ParsePB(bytes.NewReader(data))
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if ve.Line < 0 || strings.ContainsAny(ve.Error(), "\n") && len(ve.Message) > 500 {
				t.Fatalf("odd error %#v", ve)
			}
			return
		}
		if err := inst.Validate(); err != nil {
			t.Fatalf("parsed instance does not validate: %v", err)
		}
		var buf bytes.Buffer
		if err := WritePB(&buf, inst); err != nil {
			t.Fatalf("WritePB: %v", err)
		}
		back, err := ParsePB(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, buf.String())
		}
		var again bytes.Buffer
		if err := WritePB(&again, back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Fatalf("write is not stable:\n%s\n---\n%s", buf.String(), again.String())
		}
		if len(inst.Votes)*len(inst.Projects) <= 400 && inst.VoteType != VoteOrdinal {
			for _, o := range []Options{{Rule: RuleGreedy}, {Completion: CompletionGreedy}, {Utility: UtilityCardinality}} {
				res, err := Allocate(inst, o)
				if err != nil {
					var ve *ValidationError
					if errors.As(err, &ve) {
						continue // e.g. negative points under MES
					}
					t.Fatalf("Allocate(%+v): %v", o, err)
				}
				if res.TotalCost.Cmp(inst.Budget) > 0 {
					t.Fatalf("over budget")
				}
			}
		}
	})
}
