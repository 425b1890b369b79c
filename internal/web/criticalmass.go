package web

import (
	"html/template"
	"strconv"
)

// Critical-mass counts read as what they mean: "3 (needs 2) ✓" once reached,
// "1 of 3 needed" before; a <progress> never shows more than full.
var criticalMassFuncs = template.FuncMap{
	"massCount": massCount,
	"massValue": func(have, need int) int { return max(min(have, need), 0) },
}

func init() {
	for name, fn := range criticalMassFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

// massCount is "3 (needs 2) ✓" when have reaches need, else "1 of 3 needed".
func massCount(have, need int) string {
	if have >= need {
		return strconv.Itoa(have) + " (needs " + strconv.Itoa(need) + ") ✓"
	}
	return strconv.Itoa(have) + " of " + strconv.Itoa(need) + " needed"
}
