package bounds

import (
	"slices"
	"sync"

	"github.com/beaconcheck/beaconcheck/internal/sitelocs"
	"github.com/beaconcheck/beaconcheck/spec"
)

// siteLocations is where the model uses each declared spec.Site, read off its source
// (spec.Source) once.
var siteLocations = sync.OnceValues(func() ([]sitelocs.Location, error) {
	return sitelocs.Locate(spec.Source())
})

// SiteUse is one operation of a catalogued site as the model declares it (spec.Site) and
// where it uses it.
type SiteUse struct {
	Site  *spec.Site
	File  string // "spec/slashings.go"
	Func  string // "Model.ProcessSlashings"
	Lines []int
}

// SiteUses returns the declared operations of the site with the ID, with where the model
// uses each, in declaration order.
func SiteUses(id string) []SiteUse {
	var out []SiteUse
	for _, s := range spec.Sites() {
		if s.ID != id {
			continue
		}
		u := SiteUse{Site: s}
		if l, ok := locationOf(s); ok {
			u.File, u.Func, u.Lines = l.File, l.Func, l.Lines
		}
		out = append(out, u)
	}
	return out
}

func locationOf(s *spec.Site) (sitelocs.Location, bool) {
	locs, err := siteLocations()
	if err != nil {
		panic("bounds: the model's source does not parse: " + err.Error())
	}
	for _, l := range locs {
		if l.ID == s.ID && l.Op == string(s.Op) && l.Operands == s.Operands {
			return l, true
		}
	}
	return sitelocs.Location{}, false
}

// kindOf is the catalogue's Kind of an operation.
func kindOf(op spec.Op) Kind {
	switch op {
	case spec.OpSub:
		return Underflow
	case spec.OpDiv, spec.OpMod:
		return DivisionByZero
	case spec.OpAppend:
		return ListAppendBeyondLimit
	case spec.OpIndex:
		return IndexOutOfRange
	case spec.OpBit:
		return BitlistRead
	}
	return Overflow
}

// declaredSite fills in an entry from its declaration: the kind of its operations,
// and the file, function and lines where the model uses them.
func declaredSite(s Site) Site {
	uses := SiteUses(s.ID)
	if len(uses) == 0 {
		return s
	}
	s.Kind = kindOf(uses[0].Site.Op)
	s.File, s.GoFunc = uses[0].File, uses[0].Func
	s.Lines = nil
	for _, u := range uses {
		s.Lines = append(s.Lines, u.Lines...)
	}
	slices.Sort(s.Lines)
	s.Lines = slices.Compact(s.Lines)
	if s.Threshold != nil {
		t := *s.Threshold
		t.site = s.ID
		s.Threshold = &t
	}
	return s
}
