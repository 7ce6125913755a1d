package bounds

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/beaconcheck/beaconcheck/spec"
)

func TestViews(t *testing.T) {
	tests := []struct {
		preset     string
		v7, v8, v9 [2]uint64
	}{
		// The article's views: Figure 7 to about 600k, Figure 8 to 4.25M, Figure 9 around 2^22.
		{"mainnet", [2]uint64{0, 590000}, [2]uint64{0, 4250000}, [2]uint64{4194000, 4197000}},
		{"minimal", [2]uint64{0, 290}, [2]uint64{0, 66500}, [2]uint64{65530, 65580}},
	}
	for _, tc := range tests {
		cfg := spec.MustPreset(tc.preset)
		from, to := DefaultRange(cfg)
		s, err := Scan(context.Background(), cfg, from, to, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, got := range [][2]uint64{pair(view7(s)), pair(view8(s)), pair(view9(s))} {
			if want := [...][2]uint64{tc.v7, tc.v8, tc.v9}[i]; got != want {
				t.Errorf("%s: Figure %d view %v, want %v", tc.preset, i+7, got, want)
			}
		}
	}
}

func pair(a, b uint64) [2]uint64 { return [2]uint64{a, b} }

// TestM4 checks that the reduction keeps a one-value spike and the ends of each bucket.
func TestM4(t *testing.T) {
	m := &m4{lo: 0, n: 10, width: 1000}
	for v := uint64(0); v < 1000; v++ {
		y := 0.0
		switch {
		case v == 555:
			y = 7
		case v >= 900:
			y = 3
		}
		m.add(v, y)
	}
	got := m.points()
	want := plotter.XYs{
		{X: 0, Y: 0}, {X: 99, Y: 0}, {X: 100, Y: 0}, {X: 199, Y: 0}, {X: 200, Y: 0}, {X: 299, Y: 0},
		{X: 300, Y: 0}, {X: 399, Y: 0}, {X: 400, Y: 0}, {X: 499, Y: 0},
		{X: 500, Y: 0}, {X: 555, Y: 7}, {X: 599, Y: 0},
		{X: 600, Y: 0}, {X: 699, Y: 0}, {X: 700, Y: 0}, {X: 799, Y: 0}, {X: 800, Y: 0}, {X: 899, Y: 0},
		{X: 900, Y: 3}, {X: 999, Y: 3},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("point %d: got %v, want %v\nall: %v", i, got[i], want[i], got)
		}
	}
}

func TestVName(t *testing.T) {
	tests := map[uint64]string{
		0:       "0",
		15:      "15",
		128:     "128 (2^7)",
		1000:    "1,000",
		262144:  "262,144 (2^18)",
		4194304: "4,194,304 (2^22)",
		4194305: "4,194,305 (2^22 + 1)",
		4196352: "4,196,352 (2^22 + 2^11)",
		4194355: "4,194,355",
		65568:   "65,568 (2^16 + 2^5)",
	}
	for v, want := range tests {
		if got := vName(v); got != want {
			t.Errorf("vName(%d) = %q, want %q", v, got, want)
		}
	}
}

// TestWritePlots draws every figure for minimal twice and checks the files are there and
// identical from one run to the next (CI regenerates them and compares).
func TestWritePlots(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	var runs [2]map[string][]byte
	for i := range runs {
		dir := t.TempDir()
		files, err := WritePlots(context.Background(), cfg, dir)
		if err != nil {
			t.Fatal(err)
		}
		more, err := WriteGridPlot(cfg, 65547, dir)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
		runs[i] = map[string][]byte{}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			runs[i][filepath.Base(f)] = b
		}
	}
	for _, name := range []string{
		"committees_per_slot.png", "committees_per_slot.svg", "combinations.png", "combinations.svg",
		"combinations_zoom.png", "combinations_zoom.svg", "grid_65547.png", "grid_65547.svg",
	} {
		b, ok := runs[0][name]
		switch {
		case !ok:
			t.Errorf("%s not written", name)
		case filepath.Ext(name) == ".png" && !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
			t.Errorf("%s is not a PNG", name)
		case filepath.Ext(name) == ".svg" && !bytes.Contains(b[:min(len(b), 200)], []byte("<svg")):
			t.Errorf("%s is not an SVG", name)
		case !bytes.Equal(b, runs[1][name]):
			t.Errorf("%s differs between two runs", name)
		}
	}
	if len(runs[0]) != 8 {
		t.Errorf("wrote %d files, want 8", len(runs[0]))
	}
}
