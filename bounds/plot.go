package bounds

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The figures of the committee-size analysis, numbered as in the article they reproduce:
//
//	committees_per_slot.{png,svg}  Figure 7: committees_per_slot against V
//	combinations.{png,svg}         Figure 8: combinations and violating combinations against V
//	combinations_zoom.{png,svg}    Figure 9: the same just past the first violation, every V
//	grid_<V>.{png,svg}             Figure 10: which combinations violate at one V
//
// The views are placed from the thresholds of a scan of DefaultRange (so they follow the
// config), and series of more V than pixels are reduced per pixel column to the first, last,
// smallest and largest value (M4 reduction), which draws exactly what the full series would.

// Figure sizes: PNGs are rendered at pngDPI.
const (
	figWidth  = 9 * vg.Inch
	figHeight = 5 * vg.Inch
	pngDPI    = 120
	// buckets is the number of pixel columns series are reduced to: more than the PNG's
	// plotting area is wide.
	buckets = 2000
)

var (
	colCombinations = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // blue
	colViolating    = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff} // red
	colCPS          = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff} // green
	colMark         = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	colSafe         = color.RGBA{R: 0xd9, G: 0xe4, B: 0xee, A: 0xff} // pale blue-grey
)

// WritePlots draws Figures 7 to 9 for cfg into dir (created if need be) as PNG and SVG, and
// returns the paths written.
func WritePlots(ctx context.Context, cfg *spec.Config, dir string) ([]string, error) {
	from, to := DefaultRange(cfg)
	sum, err := Scan(ctx, cfg, from, to, Options{})
	if err != nil {
		return nil, err
	}
	for _, t := range []Threshold{sum.CommitteesPerSlotMax, sum.FirstViolating, sum.AllViolatingFrom} {
		if t.Status != Exact {
			return nil, fmt.Errorf("bounds: cannot place the figures: a threshold is %v in [%d, %d]", t.Status, from, to)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, fig := range []func(context.Context, *spec.Config, *Summary) (*plot.Plot, string, error){
		plotCommitteesPerSlot, plotCombinations, plotCombinationsZoom,
	} {
		p, name, err := fig(ctx, cfg, sum)
		if err != nil {
			return written, err
		}
		files, err := save(p, dir, name)
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// WriteGridPlot draws Figure 10 for V into dir (created if need be) as grid_<V>.png and
// grid_<V>.svg, and returns the paths written.
func WriteGridPlot(cfg *spec.Config, v uint64, dir string) ([]string, error) {
	g, err := CommitteeGrid(cfg, v)
	if err != nil {
		return nil, err
	}
	p := plotGrid(g, configName(cfg))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return save(p, dir, "grid_"+strconv.FormatUint(v, 10))
}

// Views of Figures 7 to 9, from the thresholds.

// view7 is [0, about 2.25 times the V where committees_per_slot reaches its maximum].
func view7(s *Summary) (lo, hi uint64) { return 0, niceCeil(s.CommitteesPerSlotMax.V / 4 * 9) }

// view8 is [0, a little past the V from which all combinations violate].
func view8(s *Summary) (lo, hi uint64) {
	return 0, niceCeil(s.AllViolatingFrom.V + s.AllViolatingFrom.V/80)
}

// view9 spans the first violation to all violating, with an eighth of that width either
// side, rounded outwards to the width's leading decimal digit.
func view9(s *Summary) (lo, hi uint64) {
	a, b := s.FirstViolating.V, s.AllViolatingFrom.V
	w := b - a
	step := uint64(1)
	for step*10 <= w {
		step *= 10
	}
	lo = a - min(a, w/8+1)
	lo -= lo % step
	hi = b + w/8 + 1
	hi += (step - hi%step) % step
	return lo, hi
}

// niceCeil rounds x up to a multiple of 5 in its third significant digit.
func niceCeil(x uint64) uint64 {
	step := uint64(5)
	for step*200 <= x {
		step *= 10
	}
	return (x + step - 1) / step * step
}

func plotCommitteesPerSlot(ctx context.Context, cfg *spec.Config, s *Summary) (*plot.Plot, string, error) {
	lo, hi := view7(s)
	cps := newM4(lo, hi)
	if err := plotRows(ctx, cfg, lo, hi, func(r VResult) {
		cps.add(r.V, float64(r.CommitteesPerSlot))
	}); err != nil {
		return nil, "", err
	}
	p := newPlot(fmt.Sprintf("Committees per slot against active validators (%s)", s.Config),
		"number of active validators V", "committees_per_slot")
	ymax := float64(cfg.MaxCommitteesPerSlot) * 1.25
	setView(p, lo, hi, ymax)
	if err := addLine(p, cps.points(), colCPS, 2, "get_committee_count_per_slot"); err != nil {
		return nil, "", err
	}
	p.Legend.YOffs = 1 * vg.Inch
	err := addMarks(p, lo, hi, ymax*0.97, []mark{
		{s.CommitteesPerSlotMax.V, fmt.Sprintf("V = %s: committees_per_slot reaches %d", vName(s.CommitteesPerSlotMax.V), cfg.MaxCommitteesPerSlot)},
	})
	return p, "committees_per_slot", err
}

func plotCombinations(ctx context.Context, cfg *spec.Config, s *Summary) (*plot.Plot, string, error) {
	lo, hi := view8(s)
	p, err := plotCombinationsIn(ctx, cfg, s, lo, hi,
		fmt.Sprintf("(slot %% SLOTS_PER_EPOCH, index) combinations against active validators (%s)", s.Config))
	if err != nil {
		return nil, "", err
	}
	// The legend goes in the empty middle of the view, under the plateau.
	p.Legend.Top, p.Legend.Left = false, true
	p.Legend.XOffs, p.Legend.YOffs = 1.3*vg.Inch, 1.2*vg.Inch
	return p, "combinations", nil
}

func plotCombinationsZoom(ctx context.Context, cfg *spec.Config, s *Summary) (*plot.Plot, string, error) {
	lo, hi := view9(s)
	p, err := plotCombinationsIn(ctx, cfg, s, lo, hi,
		fmt.Sprintf("Combinations just past V = %s, every V (%s)", vName(s.LastSafe.V), s.Config))
	if err != nil {
		return nil, "", err
	}
	// The legend goes under the plateau, left of the rising violating series.
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = 0.15*vg.Inch, -1.3*vg.Inch
	return p, "combinations_zoom", nil
}

func plotCombinationsIn(ctx context.Context, cfg *spec.Config, s *Summary, lo, hi uint64, title string) (*plot.Plot, error) {
	all, bad := newM4(lo, hi), newM4(lo, hi)
	if err := plotRows(ctx, cfg, lo, hi, func(r VResult) {
		all.add(r.V, float64(r.Combinations))
		bad.add(r.V, float64(r.Violating))
	}); err != nil {
		return nil, err
	}
	p := newPlot(title, "number of active validators V", "number of combinations")
	maxCount := float64(cfg.MaxCommitteesPerSlot * cfg.SlotsPerEpoch)
	ymax := maxCount * 1.3
	setView(p, lo, hi, ymax)
	if err := addLine(p, all.points(), colCombinations, 2.5, "all combinations"); err != nil {
		return nil, err
	}
	if err := addLine(p, bad.points(), colViolating, 1.5,
		fmt.Sprintf("violating: committee longer than MAX_VALIDATORS_PER_COMMITTEE = %s", commas(cfg.MaxValidatorsPerCommittee))); err != nil {
		return nil, err
	}
	var marks []mark
	if v := s.CommitteesPerSlotMax.V; lo < v && v <= hi {
		marks = append(marks, mark{v, fmt.Sprintf("V = %s: %s combinations", vName(v), commas(uint64(maxCount)))})
	}
	marks = append(marks,
		mark{s.FirstViolating.V, fmt.Sprintf("V = %s: first violation", vName(s.FirstViolating.V))},
		mark{s.AllViolatingFrom.V, fmt.Sprintf("V = %s: all violate", vName(s.AllViolatingFrom.V))},
	)
	return p, addMarks(p, lo, hi, ymax*0.97, marks)
}

func plotGrid(g *Grid, config string) *plot.Plot {
	nViol := g.Violating()
	total := g.SlotsPerEpoch * g.CommitteesPerSlot
	p := newPlot(fmt.Sprintf("V = %s (%s): %s of %s combinations violate", commas(g.V), config, commas(nViol), commas(total)),
		"committee index", "slot % SLOTS_PER_EPOCH")
	const gap = 0.06
	var bad, ok *plotter.Polygon
	for s := range g.Len {
		for i := range g.Len[s] {
			x, y := float64(i), float64(s)
			cell, err := plotter.NewPolygon(plotter.XYs{{X: x - 0.5 + gap, Y: y - 0.5 + gap}, {X: x + 0.5 - gap, Y: y - 0.5 + gap},
				{X: x + 0.5 - gap, Y: y + 0.5 - gap}, {X: x - 0.5 + gap, Y: y + 0.5 - gap}})
			if err != nil {
				panic(err) // four finite points never fail
			}
			cell.LineStyle.Width = 0
			if g.Violates(uint64(s), uint64(i)) {
				cell.Color = colViolating
				bad = cell
			} else {
				cell.Color = colSafe
				ok = cell
			}
			p.Add(cell)
		}
	}
	// A band above the grid holds the legend.
	p.X.Min, p.X.Max = -0.5, float64(g.CommitteesPerSlot)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(g.SlotsPerEpoch)-0.5+float64(g.SlotsPerEpoch)*0.16+1
	p.X.Tick.Marker = intTicks{max: g.CommitteesPerSlot - 1}
	p.Y.Tick.Marker = intTicks{max: g.SlotsPerEpoch - 1}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(4)
	if bad != nil {
		p.Legend.Add(fmt.Sprintf("violating: length %s > MAX_VALIDATORS_PER_COMMITTEE = %s", lenRange(g, true), commas(g.MaxLen)), bad)
	}
	if ok != nil {
		p.Legend.Add(fmt.Sprintf("within bound: length %s", lenRange(g, false)), ok)
	}
	return p
}

// lenRange is the range of committee lengths among the violating cells (or the others).
func lenRange(g *Grid, violating bool) string {
	lo, hi := uint64(math.MaxUint64), uint64(0)
	for s := range g.Len {
		for i, n := range g.Len[s] {
			if g.Violates(uint64(s), uint64(i)) == violating {
				lo, hi = min(lo, n), max(hi, n)
			}
		}
	}
	if lo == hi {
		return commas(lo)
	}
	return commas(lo) + " to " + commas(hi)
}

// Drawing helpers.

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(11)
		a.Tick.Label.Font.Size = vg.Points(10)
		a.Tick.Marker = niceTicks{}
	}
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3)
	return p
}

// setView fixes the axes to [lo, hi] by [0, ymax] and draws the grid lines.
func setView(p *plot.Plot, lo, hi uint64, ymax float64) {
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max = float64(lo), float64(hi)
	p.Y.Min, p.Y.Max = 0, ymax
}

func addLine(p *plot.Plot, xys plotter.XYs, c color.Color, width float64, legend string) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.LineStyle.Color = c
	l.LineStyle.Width = vg.Points(width)
	p.Add(l)
	p.Legend.Add(legend, l)
	return nil
}

// mark is a threshold drawn as a vertical line with a label.
type mark struct {
	v     uint64
	label string
}

// addMarks draws the marks as dashed vertical lines over [0, ytop] of the view [lo, hi],
// labelled near ytop. A label goes right of its line in the left part of the view and left of
// it in the right part; labels of marks too close together to share a row are stacked.
func addMarks(p *plot.Plot, lo, hi uint64, ytop float64, marks []mark) error {
	span := float64(hi - lo)
	prevX, row := math.Inf(-1), 0
	for _, m := range marks {
		x := float64(m.v)
		line, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: ytop}})
		if err != nil {
			return err
		}
		line.LineStyle.Color = colMark
		line.LineStyle.Width = vg.Points(1)
		line.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(line)

		if (x-prevX)/span < 0.45 {
			row++
		} else {
			row = 0
		}
		prevX = x
		y := ytop * (1 - 0.07*float64(row))
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: y}}, Labels: []string{m.label}})
		if err != nil {
			return err
		}
		sty := &lab.TextStyle[0]
		sty.Font = font.From(plot.DefaultFont, vg.Points(10))
		sty.YAlign = draw.YTop
		if (x-float64(lo))/span > 0.55 {
			sty.XAlign = draw.XRight
			lab.Offset = vg.Point{X: -vg.Points(4)}
		} else {
			lab.Offset = vg.Point{X: vg.Points(4)}
		}
		p.Add(lab)
	}
	return nil
}

// save writes p as dir/name.png and dir/name.svg.
func save(p *plot.Plot, dir, name string) ([]string, error) {
	png := vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(pngDPI))
	p.Draw(draw.New(png))
	svg := vgsvg.New(figWidth, figHeight)
	p.Draw(draw.New(svg))
	var written []string
	for _, f := range []struct {
		ext string
		w   interface {
			WriteTo(w io.Writer) (int64, error)
		}
	}{{"png", vgimg.PngCanvas{Canvas: png}}, {"svg", svg}} {
		path := filepath.Join(dir, name+"."+f.ext)
		if err := writeFile(path, f.w.WriteTo); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// writeFile writes through a temporary file renamed into place, so a reader never sees a
// half-written file.
func writeFile(path string, write func(io.Writer) (int64, error)) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// niceTicks label about five to eight round values (1, 2 or 5 times a power of ten apart)
// with thousands separators, with unlabelled minor ticks between.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step, minor := 1.0, 0.2
	for mag := 1.0; ; mag *= 10 {
		if (hi-lo)/(mag) <= 8 {
			step, minor = mag, mag/5
			break
		}
		if (hi-lo)/(2*mag) <= 8 {
			step, minor = 2*mag, mag
			break
		}
		if (hi-lo)/(5*mag) <= 8 {
			step, minor = 5*mag, mag
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/minor) * minor; v <= hi; v += minor {
		v := math.Round(v/minor) * minor
		t := plot.Tick{Value: v}
		if r := math.Mod(v, step); r == 0 && v >= 0 {
			t.Label = commas(uint64(v))
		}
		ts = append(ts, t)
	}
	return ts
}

// intTicks label the integers 0 to max: every one if few, else multiples of a step, and max.
type intTicks struct{ max uint64 }

func (t intTicks) Ticks(lo, hi float64) []plot.Tick {
	step := uint64(1)
	for t.max/step > 8 {
		step *= 2
	}
	var ts []plot.Tick
	for v := uint64(0); v <= t.max; v++ {
		tick := plot.Tick{Value: float64(v)}
		last := t.max - t.max%step // the last multiple of step
		if v%step == 0 && (v != last || v == t.max || t.max-v >= step/2) || v == t.max {
			tick.Label = strconv.FormatUint(v, 10)
		}
		ts = append(ts, tick)
	}
	return ts
}

// commas writes n with thousands separators: 4,194,304.
func commas(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// vName writes V with separators and, when it is a power of two or one more than one or a
// sum of two, that form: "4,194,304 (2^22)", "4,194,305 (2^22 + 1)", "4,196,352 (2^22 + 2^11)".
func vName(v uint64) string {
	if f := powerForm(v); f != "" {
		return commas(v) + " (" + f + ")"
	}
	return commas(v)
}

// powerForm writes v >= 16 as 2^a, 2^a + 2^b or 2^a + 1, or returns "".
func powerForm(v uint64) string {
	if v < 16 {
		return ""
	}
	hi := bits.Len64(v) - 1
	rest := v - 1<<hi
	switch {
	case rest == 0:
		return fmt.Sprintf("2^%d", hi)
	case rest == 1:
		return fmt.Sprintf("2^%d + 1", hi)
	case bits.OnesCount64(rest) == 1:
		return fmt.Sprintf("2^%d + 2^%d", hi, bits.Len64(rest)-1)
	}
	return ""
}

// m4 reduces a series over [lo, hi], given in increasing V, to at most four points per
// bucket (pixel column): the first, the smallest, the largest and the last, in order of V.
// A line through them draws what a line through every point would at that resolution, so
// a jump narrower than a pixel stays visible.
type m4 struct {
	lo, n, width uint64 // bucket b covers V with (V-lo)*buckets / width == b
	cur          uint64
	have         bool
	first, last  plotter.XY
	lo4, hi4     plotter.XY
	out          plotter.XYs
}

func newM4(lo, hi uint64) *m4 { return &m4{lo: lo, n: buckets, width: hi - lo + 1} }

func (m *m4) add(v uint64, y float64) {
	h, l := bits.Mul64(v-m.lo, m.n)
	b, _ := bits.Div64(h, l, m.width)
	pt := plotter.XY{X: float64(v), Y: y}
	if m.have && b != m.cur {
		m.flush()
	}
	if !m.have {
		m.cur, m.have = b, true
		m.first, m.last, m.lo4, m.hi4 = pt, pt, pt, pt
		return
	}
	m.last = pt
	if y < m.lo4.Y {
		m.lo4 = pt
	}
	if y > m.hi4.Y {
		m.hi4 = pt
	}
}

func (m *m4) flush() {
	if !m.have {
		return
	}
	pts := []plotter.XY{m.first, m.lo4, m.hi4, m.last}
	if m.hi4.X < m.lo4.X {
		pts[1], pts[2] = m.hi4, m.lo4
	}
	for _, pt := range pts {
		if n := len(m.out); n == 0 || m.out[n-1] != pt {
			m.out = append(m.out, pt)
		}
	}
	m.have = false
}

func (m *m4) points() plotter.XYs {
	m.flush()
	return m.out
}
