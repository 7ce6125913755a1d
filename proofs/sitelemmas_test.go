package proofs

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// Every site of the bounds catalogue is covered by a lemma, and every encoding is of a
// site the catalogue has.
func TestEveryCatalogueSiteCovered(t *testing.T) {
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		covered := map[string][]string{}
		for _, l := range Lemmas(cfg) {
			if strings.HasSuffix(l.Name, "_unencoded") {
				t.Errorf("%s: %s", name, l.Name)
			}
			for _, s := range l.Sites {
				covered[s] = append(covered[s], l.Name)
			}
		}
		ids := map[string]bool{}
		for _, s := range bounds.Catalogue() {
			ids[s.ID] = true
			if len(covered[s.ID]) == 0 {
				t.Errorf("%s: site %s has no lemma", name, s.ID)
			}
		}
		for _, e := range siteEncodings(cfg) {
			if !ids[e.id] {
				t.Errorf("encoding of %s, which is not a site of the catalogue", e.id)
			}
		}
		for id := range covered {
			if !ids[id] {
				t.Errorf("lemmas %v name site %s, which is not in the catalogue", covered[id], id)
			}
		}
	}
}

// The solver's least counterexample of every site with a threshold equals the catalogue's
// threshold (bounds.SiteThreshold.First), on both presets; the committee bound's too.
func TestThresholdsEqualCatalogue(t *testing.T) {
	for _, name := range spec.PresetNames() {
		t.Run(name, func(t *testing.T) {
			cfg := spec.MustPreset(name)
			rs := checkPreset(t, name)
			n := 0
			for _, r := range rs {
				var id string
				switch {
				case strings.HasSuffix(r.Lemma.Name, "_threshold"):
					id = strings.TrimSuffix(r.Lemma.Name, "_threshold")
				case r.Lemma.Name == "committee_exceeds_bitlist_without_fix":
					id = "get_attesting_indices_bit_read"
				default:
					continue
				}
				want, err := catalogueThreshold(cfg, id)
				if err != nil {
					t.Fatal(err)
				}
				n++
				if want == nil {
					if r.Status != Proved {
						t.Errorf("%s: the catalogue has no threshold in range, the lemma is %s (%s)", r.Lemma.Name, r.Status, r.Detail)
					}
					continue
				}
				if r.Status != Counterexample || r.Least == nil || r.Least.Cmp(want) != 0 {
					t.Errorf("%s: %s, least %v; the catalogue's threshold is %s (%s)", r.Lemma.Name, r.Status, r.Least, want, r.Detail)
				}
			}
			if n < 30 {
				t.Errorf("only %d thresholds compared", n)
			}
		})
	}
}

// A site's safety lemma is proved exactly when the catalogue's verdict on the config is
// that the site cannot fail.
func TestSafetyMatchesCatalogueVerdict(t *testing.T) {
	for _, name := range spec.PresetNames() {
		t.Run(name, func(t *testing.T) {
			cfg := spec.MustPreset(name)
			for _, r := range checkPreset(t, name) {
				if !strings.HasSuffix(r.Lemma.Name, "_safe") {
					continue
				}
				site, ok := bounds.SiteByID(strings.TrimSuffix(r.Lemma.Name, "_safe"))
				if !ok {
					t.Fatalf("%s: no site", r.Lemma.Name)
				}
				if r.Status == NotChecked {
					continue
				}
				ev, err := site.Evaluate(cfg)
				if err != nil {
					t.Fatal(err)
				}
				canFail := ev.Status == bounds.CanFailAtThreshold
				if why := rederivations(cfg)[site.ID].refutedBy; why != "" {
					// Re-derived from the transition's invariants alone, the lemma is refuted
					// where the catalogue relies on an environment invariant.
					if r.Status != Counterexample || ev.Status != bounds.CannotFailUnderInvariants {
						t.Errorf("%s: %s (%s), catalogue verdict %s; expected refuted from the transition's invariants, the catalogue's verdict resting on an environment invariant", r.Lemma.Name, r.Status, r.Detail, ev.Status)
					}
					continue
				}
				if (r.Status == Proved) == canFail || r.Status == Failed {
					t.Errorf("%s: %s (%s), catalogue verdict %s", r.Lemma.Name, r.Status, r.Detail, ev.Status)
				}
			}
		})
	}
}

// catalogueThreshold is the catalogue's threshold of a site on cfg.
func catalogueThreshold(cfg *spec.Config, id string) (*big.Int, error) {
	site, ok := bounds.SiteByID(id)
	if !ok || site.Threshold == nil {
		return nil, fmt.Errorf("no threshold for site %s", id)
	}
	first, ok, err := site.Threshold.First(cfg)
	if err != nil || !ok {
		return nil, err
	}
	return first, nil
}
