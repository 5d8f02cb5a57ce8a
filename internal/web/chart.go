package web

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// enforceThreshold is the coverage below which switching to enforce asks
// for a confirmation.
const enforceThreshold = 95.0

// readinessBucket is one bucket of GET /api/admin/apps/{app}/readiness.
type readinessBucket struct {
	Day        string         `json:"day"`
	Platform   model.Platform `json:"platform"`
	AppVersion string         `json:"app_version"`
	Total      int            `json:"total"`
	Verified   int            `json:"verified"`
}

// readinessView is the rollout-readiness card of the app page.
type readinessView struct {
	Days      int
	Truncated bool
	// Total and Verified count the window's checked logins (of Version
	// when one is chosen).
	Total, Verified int
	// Total7 and Verified7 are the last 7 days', every version: what the
	// switch to enforce is judged on.
	Total7, Verified7 int
	Ready7            bool
	// Version is the app version the chart shows ("" for all); Versioned
	// says whether one is chosen (a version may itself be "").
	Version   string
	Versioned bool
	Rows      []readinessRow
	Chart     chart
}

// Coverage7 is the last 7 days' coverage, formatted.
func (v *readinessView) Coverage7() string { return pct(v.Verified7, v.Total7) }

// Failed7 counts the last 7 days' logins that would not verify.
func (v *readinessView) Failed7() int { return v.Total7 - v.Verified7 }

// readinessRow is one platform and app version over the window.
type readinessRow struct {
	Platform   model.Platform
	AppVersion string
	Total      int
	Verified   int
	// Bar is the coverage bar's width out of 100.
	Bar  float64
	Link string
	// Low: below the enforce threshold.
	Low bool
}

// Coverage is the row's share of verified logins, formatted.
func (r readinessRow) Coverage() string { return pct(r.Verified, r.Total) }

// Failed counts the row's logins that would not verify.
func (r readinessRow) Failed() int { return r.Total - r.Verified }

// readiness loads the app's readiness over ?days= (7 or 30) through the API
// and shapes it for the page: totals, a row per platform and version, and
// the chart of ?rv= (one version) or of all.
func (h *handler) readiness(r *http.Request, sess *session, appID string) (*readinessView, error) {
	q := r.URL.Query()
	days := 7
	if q.Get("days") == "30" {
		days = 30
	}
	var ans struct {
		Days      int
		Truncated bool
		Buckets   []readinessBucket
	}
	{
		now := h.now().UTC()
		since := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(days - 1))
		_, l, err := h.admin.Readiness(r.Context(), h.actor(r, sess), appID, since, model.ReadinessVersions)
		if err != nil {
			return nil, pageErr(err)
		}
		for _, b := range l {
			ans.Buckets = append(ans.Buckets, readinessBucket{Day: b.Day.UTC().Format(time.DateOnly), Platform: b.Platform,
				AppVersion: b.AppVersion, Total: b.Total, Verified: b.Verified})
		}
	}
	v := &readinessView{Days: days, Truncated: ans.Truncated}
	v.Version, v.Versioned = q.Get("rv"), q.Has("rv")
	now := h.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	since7 := today.AddDate(0, 0, -6).Format(time.DateOnly)
	type rowKey struct {
		p model.Platform
		v string
	}
	rows := map[rowKey]*readinessRow{}
	perDay := map[string]*[2]int{} // day → total, verified (of the chosen version)
	for _, b := range ans.Buckets {
		if b.Day >= since7 {
			v.Total7 += b.Total
			v.Verified7 += b.Verified
		}
		k := rowKey{b.Platform, b.AppVersion}
		row := rows[k]
		if row == nil {
			row = &readinessRow{Platform: b.Platform, AppVersion: b.AppVersion}
			rows[k] = row
		}
		row.Total += b.Total
		row.Verified += b.Verified
		if v.Versioned && b.AppVersion != v.Version {
			continue
		}
		v.Total += b.Total
		v.Verified += b.Verified
		d := perDay[b.Day]
		if d == nil {
			d = &[2]int{}
			perDay[b.Day] = d
		}
		d[0] += b.Total
		d[1] += b.Verified
	}
	v.Ready7 = v.Total7 > 0 && float64(v.Verified7)*100/float64(v.Total7) >= enforceThreshold
	for _, row := range rows {
		row.Bar = float64(row.Verified) * 100 / float64(max(row.Total, 1))
		row.Low = row.Bar < enforceThreshold
		lq := url.Values{"days": {strconv.Itoa(days)}, "rv": {row.AppVersion}}
		row.Link = "?" + lq.Encode() + "#readiness"
		v.Rows = append(v.Rows, *row)
	}
	slices.SortFunc(v.Rows, func(a, b readinessRow) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.AppVersion, b.AppVersion))
	})
	var series []dayPoint
	for i := days - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, -i)
		p := dayPoint{Day: day}
		if d := perDay[day.Format(time.DateOnly)]; d != nil {
			p.Total, p.Verified = d[0], d[1]
		}
		series = append(series, p)
	}
	v.Chart = drawChart(series)
	return v, nil
}

// dayPoint is one day of the chart.
type dayPoint struct {
	Day             time.Time
	Total, Verified int
}

// chart is a server-drawn SVG: the day's coverage as a line over the 95%
// threshold, and the day's volume as bars below (verified and failed). All
// geometry is computed here; the template only places it, so no script or
// inline style is needed (CSP).
type chart struct {
	W, H             int
	Left, Right, Top float64
	AxisX            float64 // right edge of the y-axis labels
	BarTop, BarBase  float64
	Threshold        float64 // y of the 95% line
	ThresholdLabelY  float64
	VolumeLabelY     float64
	VolumeTitleY     float64
	YTicks           []tick
	XLabels          []tick
	Lines            []string // polylines' points, broken where a day has no logins
	Dots             []dot
	Bars             []bar
	MaxVolume        int
	Empty            bool
	EmptyX, EmptyY   float64
	Accessible       string // a text summary for screen readers
}

type tick struct {
	X, Y, LabelY float64
	Label        string
}

type dot struct {
	X, Y  float64
	Title string
}

type bar struct {
	X, W                 float64
	YVerified, HVerified float64
	YFailed, HFailed     float64
	Title                string
	HasFailed, HasData   bool
}

// r1 rounds to a tenth: SVG coordinates need no more.
func r1(v float64) float64 { return math.Round(v*10) / 10 }

func drawChart(series []dayPoint) chart {
	const lineH, barH = 170.0, 52.0
	c := chart{W: 1000, H: 300, Left: 48, Top: 18}
	c.Right = float64(c.W) - 12
	c.AxisX = c.Left - 8
	c.BarTop = c.Top + lineH + 40
	c.BarBase = c.BarTop + barH
	c.VolumeLabelY = c.BarTop + 4
	c.VolumeTitleY = c.BarTop - 10
	y := func(p float64) float64 { return r1(c.Top + lineH*(1-p/100)) }
	c.Threshold = y(enforceThreshold)
	c.ThresholdLabelY = c.Threshold - 6
	c.EmptyX, c.EmptyY = r1((c.Left+c.Right)/2), y(50)
	for _, p := range []float64{0, 25, 50, 75, 100} {
		c.YTicks = append(c.YTicks, tick{X: c.AxisX, Y: y(p), LabelY: y(p) + 4, Label: fmt.Sprintf("%.0f%%", p)})
	}
	n := len(series)
	step := (c.Right - c.Left) / float64(max(n, 1))
	x := func(i int) float64 { return r1(c.Left + step*(float64(i)+0.5)) }
	for _, p := range series {
		c.MaxVolume = max(c.MaxVolume, p.Total)
	}
	c.Empty = c.MaxVolume == 0
	every := 1
	if n > 10 {
		every = 5
	}
	var line []string
	var days, covered int
	for i, p := range series {
		if (n-1-i)%every == 0 {
			c.XLabels = append(c.XLabels, tick{X: x(i), Y: c.BarBase + 18, Label: p.Day.Format("2 Jan")})
		}
		b := bar{X: r1(x(i) - step*0.3), W: r1(step * 0.6)}
		if p.Total > 0 {
			days++
			cov := float64(p.Verified) * 100 / float64(p.Total)
			if cov >= enforceThreshold {
				covered++
			}
			line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y(cov)))
			c.Dots = append(c.Dots, dot{X: x(i), Y: y(cov), Title: fmt.Sprintf("%s: %s of %d logins verified",
				p.Day.Format("Mon 2 Jan"), pct(p.Verified, p.Total), p.Total)})
			h := max(barH*float64(p.Total)/float64(c.MaxVolume), 2)
			hv := h * float64(p.Verified) / float64(p.Total)
			b.HasData = true
			b.YVerified, b.HVerified = r1(c.BarBase-hv), r1(hv)
			b.YFailed, b.HFailed = r1(c.BarBase-h), r1(h-hv)
			b.HasFailed = p.Verified < p.Total
			b.Title = fmt.Sprintf("%s: %d logins, %d verified, %d failed", p.Day.Format("Mon 2 Jan"), p.Total, p.Verified, p.Total-p.Verified)
		} else if len(line) > 0 {
			c.Lines = append(c.Lines, strings.Join(line, " "))
			line = nil
		}
		c.Bars = append(c.Bars, b)
	}
	if len(line) > 0 {
		c.Lines = append(c.Lines, strings.Join(line, " "))
	}
	c.Accessible = fmt.Sprintf("Daily share of verified logins over %d days: %d days with logins, %d of them at or above %.0f%%.",
		n, days, covered, enforceThreshold)
	return c
}
