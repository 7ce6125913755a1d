package bounds

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The figures of the catalogue: one per site whose threshold is reached on the config,
// site_<ID>.{png,svg}, the quantity that fails against the quantity driving it, with the
// limit (2**64 for an overflow) and the threshold marked, and the reach when it is in view.
//
// Two views. When the threshold lies well inside the driving quantity's domain (V, finality
// delay, an epoch times SLOTS_PER_EPOCH), the view is [0, about twice the threshold] and a
// value beyond 2**53 is drawn in units of 2**64. When the threshold is within a sliver of the
// domain's end (x + c overflowing near x = 2**64 - c), a float64 could not tell the points
// apart, so both axes are drawn as exact offsets: x minus the threshold, the value minus the
// limit.

var (
	colValue  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // blue
	colReach  = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff} // green
	colDomain = color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff} // purple
)

// samples is the number of points a smooth value is drawn through.
const samples = 600

// WriteSitePlots draws site_<ID>.png and site_<ID>.svg into dir (created if need be) for
// every site whose threshold is reached on cfg, and returns the paths written.
func WriteSitePlots(cfg *spec.Config, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, s := range Catalogue() {
		p, err := plotSite(cfg, &s)
		if err != nil {
			return written, fmt.Errorf("site %s: %w", s.ID, err)
		}
		if p == nil {
			continue
		}
		files, err := save(p, dir, "site_"+s.ID)
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// plotSite draws the site's figure, or returns nil when it has no threshold on cfg.
func plotSite(cfg *spec.Config, s *Site) (*plot.Plot, error) {
	t := s.Threshold
	if t == nil {
		return nil, nil
	}
	ev, err := s.Evaluate(cfg)
	if err != nil {
		return nil, err
	}
	if ev.First == nil {
		return nil, nil
	}
	first, limit, domain := ev.First, t.Limit(cfg), t.Domain(cfg)
	title := fmt.Sprintf("%s: %s (%s)", s.SpecFunc, t.Of, configName(cfg))
	limitLabel := limitText(s, cfg, limit)

	near := sub(domain, first) // how far the threshold is from the domain's end
	if new(big.Int).Mul(near, big.NewInt(64)).Cmp(first) < 0 {
		return plotSiteOffsets(cfg, s, ev, title, limitLabel)
	}

	// The view [0, hi]: about twice the threshold, within the domain.
	hi := niceCeilBig(mul(first, big.NewInt(2)))
	if hi.Cmp(domain) > 0 {
		hi = domain
	}
	scale := 1.0 // values are drawn divided by scale
	yUnit := ""
	if limit.Cmp(new(big.Int).Lsh(one, 53)) > 0 {
		scale, yUnit = math.Ldexp(1, 64), " / 2^64"
	}
	var pts plotter.XYs
	if t.first != nil { // the committee bound: every V, reduced per pixel column
		if !hi.IsUint64() {
			return nil, fmt.Errorf("view beyond uint64")
		}
		lo, hiV := uint64(0), hi.Uint64()
		red := newM4(lo, hiV)
		if err := plotRows(context.Background(), cfg, lo, hiV, func(r VResult) {
			red.add(r.V, float64(r.MaxLen)/scale)
		}); err != nil {
			return nil, err
		}
		pts = red.points()
	} else {
		for i := range samples {
			x := quo(mul(hi, big.NewInt(int64(i))), big.NewInt(samples-1))
			pts = append(pts, plotter.XY{X: bigFloat(x), Y: bigFloat(t.Value(cfg, x)) / scale})
		}
	}
	ymax := bigFloat(limit) / scale * 1.25
	for _, pt := range pts {
		ymax = math.Max(ymax, pt.Y*1.05)
	}
	p := newPlot(title, t.Quantity, t.Of+yUnit)
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max = 0, bigFloat(hi)
	p.Y.Min, p.Y.Max = 0, ymax
	p.X.Tick.Marker, p.Y.Tick.Marker = siteTicks{}, siteTicks{}
	if err := addLine(p, pts, colValue, 2, t.Of); err != nil {
		return nil, err
	}
	if err := addLimit(p, 0, bigFloat(hi), bigFloat(limit)/scale, limitLabel); err != nil {
		return nil, err
	}
	yAt := func(x *big.Int) float64 { return bigFloat(t.Value(cfg, x)) / scale }
	marks := []markF{{bigFloat(first), yAt(first), fmt.Sprintf("%s = %s: first failure", t.Symbol, bigName(first)), colMark, false}}
	if r := ev.Reach; r != nil {
		if r.Cmp(hi) <= 0 {
			marks = append(marks, markF{bigFloat(r), yAt(r), reachText(t, r, first), colReach, true})
		} else {
			p.Title.Text += "\n" + reachText(t, r, first) + ", beyond the view"
		}
	}
	legendTopLeft(p)
	return p, addMarksF(p, marks)
}

// plotSiteOffsets draws the view of a threshold near the end of its domain: x - first
// against value - limit, both exact.
func plotSiteOffsets(cfg *spec.Config, s *Site, ev Evaluation, title, limitLabel string) (*plot.Plot, error) {
	t := s.Threshold
	first, limit, domain := ev.First, t.Limit(cfg), t.Domain(cfg)
	near := sub(domain, first)
	// Width before the threshold: a power of two at least 8 and four times what follows it.
	w := big.NewInt(8)
	for w.Cmp(mul(near, big.NewInt(4))) < 0 {
		w.Lsh(w, 1)
	}
	if w.Cmp(first) > 0 {
		w = first
	}
	lo := sub(first, w)
	span := add(w, near) // the view is [first - w, first + near] = [lo, domain]
	var pts plotter.XYs
	n := int64(samples)
	if span.Cmp(big.NewInt(n)) < 0 {
		n = span.Int64() + 1
	}
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for i := range n {
		x := add(lo, quo(mul(span, big.NewInt(i)), big.NewInt(max(n-1, 1))))
		pt := plotter.XY{X: bigFloat(sub(x, first)), Y: bigFloat(sub(t.Value(cfg, x), limit))}
		ymin, ymax = math.Min(ymin, pt.Y), math.Max(ymax, pt.Y)
		pts = append(pts, pt)
	}
	// Room above the limit line (y = 0, across the view) for the legend.
	ymin, ymax = math.Min(ymin, 0), math.Max(ymax, 0)
	r := math.Max(ymax-ymin, 1)
	ymin, ymax = ymin-0.05*r, ymax+0.4*r
	xmin, xmax := -bigFloat(w), bigFloat(near)
	if xmax == 0 { // the threshold is the domain's last value: leave room after it
		xmax = bigFloat(w) / 8
	}
	p := newPlot(title, fmt.Sprintf("%s - %s", t.Symbol, bigName(first)), fmt.Sprintf("%s - %s", t.Of, strings.ReplaceAll(limitName(t, cfg), "**", "^")))
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = ymin, ymax
	p.X.Tick.Marker, p.Y.Tick.Marker = siteTicks{}, siteTicks{}
	line, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	if len(pts) < 40 { // few values: draw each
		line.GlyphStyle.Color, line.GlyphStyle.Radius, line.GlyphStyle.Shape = colValue, vg.Points(3), draw.CircleGlyph{}
		p.Add(line)
		p.Legend.Add(t.Of, line)
	} else if err := addLine(p, pts, colValue, 2, t.Of); err != nil {
		return nil, err
	}
	if err := addLimit(p, xmin, xmax, 0, limitLabel); err != nil {
		return nil, err
	}
	yAt := func(x *big.Int) float64 { return bigFloat(sub(t.Value(cfg, x), limit)) }
	marks := []markF{{0, yAt(first), fmt.Sprintf("%s = %s: first failure", t.Symbol, bigName(first)), colMark, false}}
	if near.Sign() > 0 && (ev.Reach == nil || ev.Reach.Cmp(domain) != 0) {
		marks = append(marks, markF{bigFloat(near), yAt(domain), fmt.Sprintf("%s = %s: largest uint64", t.Symbol, bigName(domain)), colDomain, false})
	}
	if r := ev.Reach; r != nil {
		if r.Cmp(lo) >= 0 {
			marks = append(marks, markF{bigFloat(sub(r, first)), yAt(r), reachText(t, r, first), colReach, true})
		} else {
			p.Title.Text += "\n" + reachText(t, r, first) + ", " + commasBig(sub(first, r)) + " below the threshold"
		}
	}
	legendTopLeft(p)
	return p, addMarksF(p, marks)
}

// legendTopLeft puts the legend above the rising value, where the marks, which stop at the
// value, leave room.
func legendTopLeft(p *plot.Plot) {
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(4)
}

func reachText(t *SiteThreshold, r, first *big.Int) string {
	if r.Cmp(first) >= 0 {
		return fmt.Sprintf("%s up to %s in reachable states", t.Symbol, bigName(r))
	}
	return fmt.Sprintf("reachable states keep %s <= %s", t.Symbol, bigName(r))
}

func limitText(s *Site, cfg *spec.Config, limit *big.Int) string {
	switch s.Kind {
	case Overflow:
		if limit.Cmp(two64) == 0 {
			return "2^64: the uint64 overflows"
		}
		return fmt.Sprintf("%s: the uint%d conversion overflows", bigName(limit), limit.BitLen()-1)
	case ListAppendBeyondLimit:
		return fmt.Sprintf("limit + 1 = %s: the append fails", commasBig(limit))
	case BitlistRead:
		return fmt.Sprintf("MAX_VALIDATORS_PER_COMMITTEE + 1 = %s: read past the bitlist", commasBig(limit))
	}
	return "limit " + commasBig(limit)
}

// addLimit draws the limit as a dashed red horizontal line at y over [x0, x1].
func addLimit(p *plot.Plot, x0, x1, y float64, legend string) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}})
	if err != nil {
		return err
	}
	l.LineStyle.Color = colViolating
	l.LineStyle.Width = vg.Points(1.5)
	l.LineStyle.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	p.Add(l)
	p.Legend.Add(legend, l)
	return nil
}

// markF is a vertical mark at a float position.
type markF struct {
	x, y  float64 // the mark runs from the bottom of the view up to (x, y), the value there
	label string
	col   color.Color
	ring  bool // drawn as a ring rather than a dot
}

// addMarksF draws the marks as dashed vertical lines from the bottom of the view up to the
// value, with a dot there, named in the legend (labels on the plot would cross the other
// marks when they are close, as a threshold and its reach often are). Under the rising
// value, they leave the top left of the view to the legend.
func addMarksF(p *plot.Plot, marks []markF) error {
	for _, m := range marks {
		line, err := plotter.NewLine(plotter.XYs{{X: m.x, Y: p.Y.Min}, {X: m.x, Y: min(m.y, p.Y.Max)}})
		if err != nil {
			return err
		}
		line.LineStyle.Color = m.col
		line.LineStyle.Width = vg.Points(1.5)
		line.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		dot, err := plotter.NewScatter(plotter.XYs{{X: m.x, Y: min(m.y, p.Y.Max)}})
		if err != nil {
			return err
		}
		dot.GlyphStyle.Color, dot.GlyphStyle.Radius, dot.GlyphStyle.Shape = m.col, vg.Points(3.5), draw.CircleGlyph{}
		if m.ring { // a ring, so a dot at (nearly) the same place stays visible inside it
			dot.GlyphStyle.Radius, dot.GlyphStyle.Shape = vg.Points(6), draw.RingGlyph{}
		}
		p.Add(line, dot)
		p.Legend.Add(m.label, line, dot)
	}
	return nil
}

// niceCeilBig rounds x up to 1, 2 or 5 times a power of ten, or for values beyond 10^15 to a
// multiple of a power of two, so views of thresholds like 2^59 end on a round number.
func niceCeilBig(x *big.Int) *big.Int {
	if x.BitLen() > 50 {
		step := new(big.Int).Lsh(one, uint(x.BitLen()-3))
		return mul(quo(add(x, sub(step, one)), step), step)
	}
	v := x.Uint64()
	for mag := uint64(1); ; mag *= 10 {
		for _, m := range []uint64{1, 2, 5} {
			if m*mag >= v {
				return u64(m * mag)
			}
		}
	}
}

func bigFloat(x *big.Int) float64 {
	f, _ := new(big.Float).SetInt(x).Float64()
	return f
}

// siteTicks label about five to eight round values (1, 2 or 5 times a power of ten apart),
// negative ones too, with separators, fractions where the step is below one, and
// powers of ten beyond 10^13.
type siteTicks struct{}

func (siteTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	mag := math.Pow(10, math.Floor(math.Log10(hi-lo))-1)
	step, minor := mag, mag/5
	for _, m := range []float64{1, 2, 5, 10, 20, 50} {
		if (hi-lo)/(m*mag) <= 8 {
			step = m * mag
			minor = step / 5
			if m == 2 || m == 20 {
				minor = step / 2
			}
			break
		}
	}
	var ts []plot.Tick
	for i := math.Ceil(lo / minor); i*minor <= hi; i++ {
		v := i * minor
		t := plot.Tick{Value: v}
		if k := math.Round(v / step); math.Abs(v-k*step) < minor/2 {
			t.Label = tickLabel(k*step, step)
		}
		ts = append(ts, t)
	}
	return ts
}

func tickLabel(v, step float64) string {
	switch av := math.Abs(v); {
	case av < step/2:
		return "0"
	case av >= 1e13:
		s := strconv.FormatFloat(v, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		e, _ := strconv.Atoi(exp)
		return mant + "e" + strconv.Itoa(e)
	case step < 1:
		d := int(math.Ceil(-math.Log10(step) - 1e-9))
		return strconv.FormatFloat(v, 'f', d, 64)
	}
	n := int64(math.Round(v))
	if n < 0 {
		return "-" + commas(uint64(-n))
	}
	return commas(uint64(n))
}
